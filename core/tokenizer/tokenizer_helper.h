#pragma once
// The engine's side of the tokenizer helper (helper_protocol.h): starts `pretrain-tokenizer serve MODEL`,
// reads the vocabulary it hands over, and sends batches of texts to encode or ids to decode. A helper
// that dies is started again for the request that found it dead; one that keeps dying is an error.
// Not thread-safe: Tokenizer serialises the calls.

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/helper_protocol.h"

namespace pretrain {

class ChildConnection;

struct Vocabulary {
  std::vector<std::string> pieces;     ///< Per id, as SentencePiece writes them ("▁the", "<0x0A>").
  std::vector<helper::SpmKind> kinds;  ///< Per id.
  std::vector<float> scores;           ///< Per id: SentencePiece's score (BPE: merge order; unigram: log p).
};

class TokenizerHelper {
 public:
  /// Starts the helper on `modelPath` and reads its vocabulary. Throws InputError when the helper cannot
  /// load the file (or ends while reading it: a damaged or hostile file), Error when it cannot start.
  explicit TokenizerHelper(std::string modelPath);
  ~TokenizerHelper();

  const Vocabulary& vocabulary() const { return m_vocabulary; }
  std::vector<std::vector<int32_t>> encode(const std::vector<std::string_view>& texts);
  std::vector<std::string> decode(const std::vector<std::vector<int32_t>>& ids);
  /// The helper's process id (tests end it on purpose).
  pid_t pid();

 private:
  void start();
  /// Sends a request and reads its reply; starts a dead helper again and asks once more.
  template <typename Send, typename Receive>
  void request(const Send& send, const Receive& receive);

  std::string m_path;
  std::unique_ptr<ChildConnection> m_child;
  Vocabulary m_vocabulary;
  int m_restarts = 0;
};

}  // namespace pretrain
