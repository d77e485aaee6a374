#include "tokenizer/word_cache_encoder.h"

#include <cstdint>

#include "tokenizer/tokenizer.h"

namespace pretrain {
namespace {

// An empty word (two spaces in a row, a space at either end) becomes a lone "▁" piece whose handling
// depends on its neighbours: such lines go to SentencePiece whole.
bool readWhole(std::string_view line) {
  return line.empty() || line.front() == ' ' || line.back() == ' ' ||
         line.find("  ") != std::string_view::npos;
}

template <typename Fn>
void forEachWord(std::string_view line, Fn fn) {
  for (size_t pos = 0; pos <= line.size();) {
    const size_t end = std::min(line.find(' ', pos), line.size());
    fn(line.substr(pos, end - pos));
    pos = end + 1;
  }
}

}  // namespace

WordCacheEncoder::WordCacheEncoder(const Tokenizer& tokenizer, size_t maxEntries)
    : m_tokenizer(tokenizer), m_maxEntries(maxEntries) {}

void WordCacheEncoder::encodeLines(const std::vector<std::string_view>& lines, std::vector<int32_t>& ids,
                                   std::vector<size_t>& ends) {
  // Bounded memory: frequent words come back fast. Cleared only between batches: the entries this batch
  // finds must stay where they are until it is assembled (unordered_map keeps elements in place).
  if (m_cache.size() >= m_maxEntries) m_cache.clear();
  // First pass: each word's cached pieces, or the request that will bring them; the lines that
  // SentencePiece reads whole are requests too. Each new word is asked for once.
  std::vector<std::string_view> requests;
  std::vector<const std::vector<int32_t>*> found;  // per word (nullptr: see `requestOf`)
  std::vector<size_t> requestOf;                   // per word or whole line: its request
  std::unordered_map<std::string_view, size_t> newWords;
  std::string key;
  for (const std::string_view line : lines) {
    if (readWhole(line)) {
      found.push_back(nullptr);
      requestOf.push_back(requests.size());
      requests.push_back(line);
      continue;
    }
    forEachWord(line, [&](std::string_view word) {
      key.assign(word);
      const auto hit = m_cache.find(key);
      found.push_back(hit == m_cache.end() ? nullptr : &hit->second);
      if (hit != m_cache.end()) {
        requestOf.push_back(0);
        return;
      }
      const auto [entry, isNew] = newWords.emplace(word, requests.size());
      if (isNew) requests.push_back(word);
      requestOf.push_back(entry->second);
    });
  }
  // Encoded alone, a word gets SentencePiece's leading "▁", exactly as after a space in a line.
  const std::vector<std::vector<int32_t>> answers = m_tokenizer.encodeBatch(requests);
  for (const auto& [word, index] : newWords) m_cache.emplace(std::string(word), answers[index]);
  m_misses += newWords.size();
  m_hits += found.size() - newWords.size();
  // Second pass: the pieces in order.
  size_t item = 0;
  auto append = [&] {
    const std::vector<int32_t>& pieces = found[item] ? *found[item] : answers[requestOf[item]];
    ids.insert(ids.end(), pieces.begin(), pieces.end());
    ++item;
  };
  for (const std::string_view line : lines) {
    if (readWhole(line))
      append();
    else
      forEachWord(line, [&](std::string_view) { append(); });
    ends.push_back(ids.size());
  }
}

void WordCacheEncoder::encodeAppend(std::string_view line, std::vector<int32_t>& out) {
  std::vector<size_t> ends;
  encodeLines({line}, out, ends);
}

}  // namespace pretrain
