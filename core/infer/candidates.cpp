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
  std::vector<TokenCandidate> out;
  for (size_t i = 0; i < n; ++i) out.push_back(wordCandidate(tokenizer, {order[i]}, probs[size_t(order[i])]));
  return out;
}

TokenCandidate wordCandidate(const Tokenizer& tokenizer, const std::vector<int32_t>& ids, double prob) {
  TokenCandidate c;
  c.id = ids.front();
  for (const int32_t id : ids) c.piece += tokenizer.piece(id);
  c.text = shownText(tokenizer.decode(ids), c.piece);
  c.prob = prob;
  return c;
}

void sortByProbability(std::vector<TokenCandidate>& candidates) {
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const auto& a, const auto& b) { return a.prob > b.prob; });
}

}  // namespace pretrain
