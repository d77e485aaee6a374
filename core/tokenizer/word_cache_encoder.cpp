#include "tokenizer/word_cache_encoder.h"

#include "tokenizer/tokenizer.h"

namespace pretrain {

WordCacheEncoder::WordCacheEncoder(const Tokenizer& tokenizer, size_t maxEntries)
    : m_tokenizer(tokenizer), m_maxEntries(maxEntries) {}

void WordCacheEncoder::encodeAppend(std::string_view line, std::vector<int32_t>& out) {
  // An empty word (two spaces in a row, a space at either end) becomes a lone "▁" piece whose handling
  // depends on its neighbours: leave such lines to SentencePiece.
  if (line.empty() || line.front() == ' ' || line.back() == ' ' ||
      line.find("  ") != std::string_view::npos) {
    m_tokenizer.encodeAppend(line, out);
    return;
  }
  std::string key;
  size_t pos = 0;
  while (pos <= line.size()) {
    size_t end = line.find(' ', pos);
    if (end == std::string_view::npos) end = line.size();
    key.assign(line.data() + pos, end - pos);
    auto it = m_cache.find(key);
    if (it != m_cache.end()) {
      ++m_hits;
      out.insert(out.end(), it->second.begin(), it->second.end());
    } else {
      ++m_misses;
      // Encoded alone, a word gets SentencePiece's leading "▁", exactly as after a space in a line.
      std::vector<int32_t> ids = m_tokenizer.encode(key);
      out.insert(out.end(), ids.begin(), ids.end());
      if (m_cache.size() >= m_maxEntries) m_cache.clear();  // Bounded memory; frequent words come back fast.
      m_cache.emplace(std::move(key), std::move(ids));
    }
    pos = end + 1;
  }
}

}  // namespace pretrain
