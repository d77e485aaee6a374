#pragma once
// A trained SentencePiece tokenizer. SentencePiece runs in a helper process (tokenizer_helper.h), never in
// a process that loads LibTorch; the vocabulary is held here, so pieces and their kinds are read without
// asking it. Encoding and decoding are thread-safe: each request takes a helper of its own (threads that
// encode at once get one each, started as needed), and batches carry many texts in one round trip.

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "data/special_tokens.h"

namespace pretrain {

class TokenizerHelper;

class Tokenizer {
 public:
  /// Loads a model file. Throws InputError when it is missing, damaged (the helper cannot read it, or
  /// ends while reading it), or lacks the fixed special tokens; Error when the helper cannot be started.
  static std::shared_ptr<const Tokenizer> load(const std::string& modelPath);
  ~Tokenizer();
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  int32_t vocabSize() const { return int32_t(m_pieces.size()); }
  std::vector<int32_t> encode(std::string_view text) const;
  /// Appends the ids of `text` to `out`.
  void encodeAppend(std::string_view text, std::vector<int32_t>& out) const;
  /// Many texts in one round trip to the helper.
  std::vector<std::vector<int32_t>> encodeBatch(const std::vector<std::string_view>& texts) const;
  std::string decode(const std::vector<int32_t>& ids) const;
  std::vector<std::string> decodeBatch(const std::vector<std::vector<int32_t>>& ids) const;
  /// The piece of `id` as SentencePiece writes it ("▁the", "<0x0A>"); empty for an id out of range.
  const std::string& piece(int32_t id) const;
  bool isByte(int32_t id) const;
  bool isControl(int32_t id) const;
  bool isUnknown(int32_t id) const;
  /// SentencePiece's score of `id` (BPE: higher merges first; unigram: the piece's log probability).
  float score(int32_t id) const;

  const std::string& path() const { return m_path; }
  /// Hash of the model file: token stores and checkpoints record it to refuse a different tokenizer.
  const std::string& hash() const { return m_hash; }
  /// The helper process serving this tokenizer now (tests end it on purpose).
  pid_t helperPid() const;

 private:
  Tokenizer() = default;
  /// Runs `request` on an idle helper, starting one when all are busy.
  template <typename Request>
  auto withHelper(const Request& request) const;

  mutable std::mutex m_mutex;  // Guards m_idle.
  mutable std::vector<std::unique_ptr<TokenizerHelper>> m_idle;
  std::vector<std::string> m_pieces;
  std::vector<uint8_t> m_kinds;  // helper::SpmKind per id
  std::vector<float> m_scores;
  std::string m_path;
  std::string m_hash;
};

}  // namespace pretrain
