#pragma once
// A trained SentencePiece tokenizer, used through the runtime-loaded module (spm_c_api.h) so that
// SentencePiece and LibTorch share one process safely. Encoding is thread-safe.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "data/special_tokens.h"

namespace pretrain {

class Tokenizer {
 public:
  /// Loads a model file. Throws InputError when it is missing, corrupt, or lacks the fixed special tokens;
  /// Error when the SentencePiece module cannot be loaded.
  static std::shared_ptr<const Tokenizer> load(const std::string& modelPath);
  ~Tokenizer();
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  int32_t vocabSize() const { return m_vocabSize; }
  std::vector<int32_t> encode(std::string_view text) const;
  /// Appends the ids of `text` to `out` (no allocation when `out` has room).
  void encodeAppend(std::string_view text, std::vector<int32_t>& out) const;
  std::string decode(const std::vector<int32_t>& ids) const;
  /// The piece of `id` as SentencePiece writes it ("▁the", "<0x0A>"); empty for an id out of range.
  std::string piece(int32_t id) const;
  bool isByte(int32_t id) const;
  bool isControl(int32_t id) const;

  const std::string& path() const { return m_path; }
  /// Hash of the model file: token stores and checkpoints record it to refuse a different tokenizer.
  const std::string& hash() const { return m_hash; }

 private:
  Tokenizer() = default;
  void* m_handle = nullptr;
  int32_t m_vocabSize = 0;
  std::string m_path;
  std::string m_hash;
};

}  // namespace pretrain
