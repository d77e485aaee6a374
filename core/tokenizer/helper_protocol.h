#pragma once
// What the tokenizer helper (pretrain-tokenizer serve) and the engine say to each other over the socket
// that is the helper's stdin and stdout. SentencePiece, and the protobuf copy inside it, live only in the
// helper: no process that loads LibTorch ever maps them. Debian's libsentencepiece exports its bundled
// protobuf-lite 3.14, LibTorch loads the system's 3.21: in one process, static initialisation crashes or
// the version check aborts, and with LibTorch 2.x (which exports protobuf itself) even RTLD_DEEPBIND did
// not keep them apart. Both ends run on one machine, so integers go in the machine's own byte order.
//
// At start the helper writes kMagic, then a status (0, or an error: u32 length + message, and it exits),
// then the vocabulary: u32 size, and per id: u8 PieceKind, f32 score, u32 length, the piece's bytes.
// Each request: u8 Op, u32 count, then the items; each reply: u32 status (0, or an error message as
// above), then one answer per item.
//   Encode: items are texts (u32 length + bytes); answers are ids (u32 n + n x i32).
//   Decode: items are ids (u32 n + n x i32); answers are texts (u32 length + bytes).
// The helper ends when its input ends: when the engine closes the socket, or when the engine's process
// dies, even by SIGKILL (the kernel closes its end).

#include <cstdint>

namespace pretrain::helper {

constexpr uint32_t kMagic = 0x4B545350;  // "PSTK"
constexpr uint32_t kOk = 0;

enum class Op : uint8_t { Encode = 1, Decode = 2 };

/// SentencePiece's piece types, as the helper reports them.
enum class SpmKind : uint8_t { Normal = 0, Unknown = 1, Control = 2, Byte = 4, Unused = 5 };

}  // namespace pretrain::helper
