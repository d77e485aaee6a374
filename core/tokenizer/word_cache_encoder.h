#pragma once
// Encoding with a per-word cache, for tokenizing whole corpora. SentencePiece pieces never span a space
// (split_by_whitespace, the trainer's default and ours), so a line's encoding is the concatenation of its
// space-separated words' encodings; natural text repeats its words (Zipf), so most words are looked up
// rather than encoded. What the cache lacks for a batch of lines goes to the tokenizer's helper in one
// round trip. Lines with leading, trailing or repeated spaces go to SentencePiece whole, which keeps the
// result identical to Tokenizer::encode (a test checks this). One instance per thread.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pretrain {

class Tokenizer;

class WordCacheEncoder {
 public:
  explicit WordCacheEncoder(const Tokenizer& tokenizer, size_t maxEntries = 1 << 19);
  /// Appends the ids of each line to `ids`, and where each line's ids end to `ends`; the same ids as
  /// tokenizer.encode(line) gives.
  void encodeLines(const std::vector<std::string_view>& lines, std::vector<int32_t>& ids,
                   std::vector<size_t>& ends);

  /// encodeLines() for one line.
  void encodeAppend(std::string_view line, std::vector<int32_t>& out);

  uint64_t hits() const { return m_hits; }
  uint64_t misses() const { return m_misses; }

 private:
  const Tokenizer& m_tokenizer;
  size_t m_maxEntries;
  std::unordered_map<std::string, std::vector<int32_t>> m_cache;
  uint64_t m_hits = 0, m_misses = 0;
};

}  // namespace pretrain
