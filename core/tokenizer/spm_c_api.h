#pragma once
// The narrow C boundary between the engine and SentencePiece (see ENVIRONMENT.md, trap 1): SentencePiece
// lives in its own shared module, loaded with RTLD_DEEPBIND so that it binds to the protobuf copy it
// bundles while LibTorch keeps the system one. Only plain C types cross this line.

#include <stddef.h>
#include <stdint.h>

extern "C" {

/// Loads a model file. Returns a handle, or null with a message in `err` (NUL-terminated, truncated to
/// `errCap`).
typedef void* (*PstSpmLoadFn)(const char* path, char* err, size_t errCap);
typedef void (*PstSpmFreeFn)(void* handle);
typedef int32_t (*PstSpmVocabSizeFn)(void* handle);
/// Encodes `len` bytes of UTF-8 into ids. Returns the number of ids; if it exceeds `cap`, nothing useful is
/// in `out` and the caller retries with a larger buffer. Returns -1 on failure. Thread-safe.
typedef int64_t (*PstSpmEncodeFn)(void* handle, const char* text, size_t len, int32_t* out, size_t cap);
/// Decodes ids into UTF-8. Returns the byte length; if it exceeds `cap`, retry larger. -1 on failure.
typedef int64_t (*PstSpmDecodeFn)(void* handle, const int32_t* ids, size_t n, char* out, size_t cap);
/// The piece of `id` (e.g. "▁the", "<0xE2>"), valid as long as the handle.
typedef const char* (*PstSpmIdToPieceFn)(void* handle, int32_t id);
/// 0 normal or user-defined, 1 unknown, 2 control, 4 byte, 5 unused or out of range.
typedef int32_t (*PstSpmPieceKindFn)(void* handle, int32_t id);

#define PST_SPM_SYMBOLS(X)                  \
  X(PstSpmLoadFn, pst_spm_load)             \
  X(PstSpmFreeFn, pst_spm_free)             \
  X(PstSpmVocabSizeFn, pst_spm_vocab_size)  \
  X(PstSpmEncodeFn, pst_spm_encode)         \
  X(PstSpmDecodeFn, pst_spm_decode)         \
  X(PstSpmIdToPieceFn, pst_spm_id_to_piece) \
  X(PstSpmPieceKindFn, pst_spm_piece_kind)
}
