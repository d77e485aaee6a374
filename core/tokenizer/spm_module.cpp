// The SentencePiece module: the only code in the process that includes SentencePiece headers. Built as a
// MODULE library and dlopen()ed by tokenizer.cpp; see spm_c_api.h for why.

#include <sentencepiece_processor.h>

#include <cstring>
#include <string>
#include <vector>

#include "tokenizer/spm_c_api.h"

namespace {

void copyMessage(const std::string& msg, char* err, size_t cap) {
  if (!err || cap == 0) return;
  const size_t n = std::min(msg.size(), cap - 1);
  std::memcpy(err, msg.data(), n);
  err[n] = '\0';
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) void* pst_spm_load(const char* path, char* err, size_t errCap) {
  auto* sp = new sentencepiece::SentencePieceProcessor();
  const auto status = sp->Load(path);
  if (!status.ok()) {
    copyMessage(status.ToString(), err, errCap);
    delete sp;
    return nullptr;
  }
  return sp;
}

__attribute__((visibility("default"))) void pst_spm_free(void* h) {
  delete static_cast<sentencepiece::SentencePieceProcessor*>(h);
}

__attribute__((visibility("default"))) int32_t pst_spm_vocab_size(void* h) {
  return static_cast<sentencepiece::SentencePieceProcessor*>(h)->GetPieceSize();
}

__attribute__((visibility("default"))) int64_t pst_spm_encode(void* h, const char* text, size_t len,
                                                              int32_t* out, size_t cap) {
  std::vector<int> ids;
  const auto status =
      static_cast<sentencepiece::SentencePieceProcessor*>(h)->Encode(absl::string_view(text, len), &ids);
  if (!status.ok()) return -1;
  if (ids.size() <= cap) std::copy(ids.begin(), ids.end(), out);
  return static_cast<int64_t>(ids.size());
}

__attribute__((visibility("default"))) int64_t pst_spm_decode(void* h, const int32_t* ids, size_t n,
                                                              char* out, size_t cap) {
  std::string text;
  const std::vector<int> v(ids, ids + n);
  const auto status = static_cast<sentencepiece::SentencePieceProcessor*>(h)->Decode(v, &text);
  if (!status.ok()) return -1;
  if (text.size() <= cap) std::memcpy(out, text.data(), text.size());
  return static_cast<int64_t>(text.size());
}

__attribute__((visibility("default"))) const char* pst_spm_id_to_piece(void* h, int32_t id) {
  const auto* sp = static_cast<sentencepiece::SentencePieceProcessor*>(h);
  if (id < 0 || id >= sp->GetPieceSize()) return "";
  // IdToPiece returns a reference into the loaded model, so the pointer lives as long as the handle.
  return sp->IdToPiece(id).c_str();
}

__attribute__((visibility("default"))) int32_t pst_spm_piece_kind(void* h, int32_t id) {
  const auto* sp = static_cast<sentencepiece::SentencePieceProcessor*>(h);
  if (id < 0 || id >= sp->GetPieceSize()) return 5;
  if (sp->IsUnknown(id)) return 1;
  if (sp->IsControl(id)) return 2;
  if (sp->IsByte(id)) return 4;
  if (sp->IsUnused(id)) return 5;
  return 0;
}

}  // extern "C"
