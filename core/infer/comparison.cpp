#include "infer/comparison.h"

#include <algorithm>
#include <cmath>

#include "infer/predictor.h"
#include "tokenizer/tokenizer.h"
#include "util/error.h"

namespace pretrain {
namespace {

// Probabilities below this count as this in the KL sum: a float softmax never gives exactly 0 where the
// other model gives mass, and one underflowed piece must not make the divergence infinite.
constexpr double kFloor = 1e-30;

// The whole next-piece distribution of `p` after `prompt`, by id.
std::vector<double> distribution(const Predictor& p, const NextTokenResult& all) {
  std::vector<double> byId(size_t(p.tokenizer().vocabSize()), 0.0);
  for (const TokenCandidate& c : all.candidates) byId[size_t(c.id)] = c.prob;
  return byId;
}

double surprise(double prob) { return -std::log2(std::max(prob, kFloor)); }

}  // namespace

NextComparison compareNext(const Predictor& a, const Predictor& b, const std::string& prompt, int topK) {
  if (a.tokenizer().hash() != b.tokenizer().hash())
    throw InputError(
        "the two models read text with different tokenizers, so their pieces cannot be compared "
        "one by one; compare their bits per byte instead");
  NextOptions all;
  all.topK = a.tokenizer().vocabSize();
  all.promptPieces = true;
  const NextTokenResult ra = a.next(prompt, all), rb = b.next(prompt, all);
  NextComparison c;
  c.a.assign(ra.candidates.begin(), ra.candidates.begin() + std::min<long>(topK, long(ra.candidates.size())));
  c.b.assign(rb.candidates.begin(), rb.candidates.begin() + std::min<long>(topK, long(rb.candidates.size())));
  const std::vector<double> pa = distribution(a, ra), pb = distribution(b, rb);
  for (size_t i = 0; i < pa.size(); ++i)
    if (pa[i] > 0) c.klBits += pa[i] * (std::log2(pa[i]) - std::log2(std::max(pb[i], kFloor)));
  c.klBits = std::max(0.0, c.klBits);  // Rounding can leave a tiny negative for equal distributions.
  // Aligned from the end: a model with a shorter context reads fewer of a long prompt's first pieces.
  const size_t n = std::min(ra.pieces.size(), rb.pieces.size());
  for (size_t i = 0; i < n; ++i) {
    const PromptPiece &x = ra.pieces[ra.pieces.size() - n + i], &y = rb.pieces[rb.pieces.size() - n + i];
    c.pieces.push_back({x.id, x.text, surprise(x.prob), surprise(y.prob)});
  }
  return c;
}

}  // namespace pretrain
