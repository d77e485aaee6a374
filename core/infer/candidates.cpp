#include "infer/candidates.h"

#include <algorithm>
#include <numeric>

#include "tokenizer/tokenizer.h"
#include "tokenizer/word_pieces.h"

namespace pretrain {

std::vector<TokenCandidate> topCandidates(const Tokenizer& tokenizer, const std::vector<double>& probs,
                                          int k) {
  std::vector<int32_t> order(probs.size());
  std::iota(order.begin(), order.end(), 0);
  const size_t n = std::min(order.size(), size_t(std::max(0, k)));
  std::partial_sort(order.begin(), order.begin() + long(n), order.end(),
                    [&](int32_t a, int32_t b) { return probs[size_t(a)] > probs[size_t(b)]; });
  std::vector<std::vector<int32_t>> words;
  std::vector<double> wordProbs;
  for (size_t i = 0; i < n; ++i) {
    words.push_back({order[i]});
    wordProbs.push_back(probs[size_t(order[i])]);
  }
  return wordCandidates(tokenizer, words, wordProbs);
}

std::vector<TokenCandidate> wordCandidates(const Tokenizer& tokenizer,
                                           const std::vector<std::vector<int32_t>>& words,
                                           const std::vector<double>& probs) {
  const std::vector<std::string> texts = tokenizer.decodeBatch(words);  // One round trip to the helper.
  std::vector<TokenCandidate> out;
  for (size_t w = 0; w < words.size(); ++w) {
    TokenCandidate c;
    c.id = words[w].front();
    for (const int32_t id : words[w]) c.piece += tokenizer.piece(id);
    c.text = shownText(texts[w], c.piece);
    c.prob = probs[w];
    out.push_back(std::move(c));
  }
  return out;
}

TokenCandidate wordCandidate(const Tokenizer& tokenizer, const std::vector<int32_t>& ids, double prob) {
  return wordCandidates(tokenizer, {ids}, {prob}).front();
}

void sortByProbability(std::vector<TokenCandidate>& candidates) {
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const auto& a, const auto& b) { return a.prob > b.prob; });
}

}  // namespace pretrain
