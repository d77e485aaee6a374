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

// The same pieces with the same ids. Not the files' hashes: two runs that trained their tokenizers on the
// same corpus with the same settings get the same vocabulary in files that differ (SentencePiece writes the
// paths it trained from into the model).
bool sameVocabulary(const Tokenizer& a, const Tokenizer& b) {
  if (a.hash() == b.hash()) return true;
  if (a.vocabSize() != b.vocabSize()) return false;
  for (int32_t id = 0; id < a.vocabSize(); ++id)
    if (a.piece(id) != b.piece(id) || a.score(id) != b.score(id)) return false;
  return true;
}

double surprise(double prob) { return -std::log2(std::max(prob, kFloor)); }

}  // namespace

NextComparison compareNext(const Predictor& a, const Predictor& b, const std::string& prompt, int topK) {
  if (!sameVocabulary(a.tokenizer(), b.tokenizer()))
    throw InputError(
        "the two models read text with different tokenizers, so their pieces cannot be compared "
        "one by one; compare their bits per byte instead");
  NextOptions all;
  all.topK = a.tokenizer().vocabSize();
  all.promptPieces = true;
  if (a.tokenizer().encode(prompt) != b.tokenizer().encode(prompt))  // Same pieces, other rules.
    throw InputError("the two tokenizers have the same pieces but split this prompt differently");
  const NextTokenResult ra = a.next(prompt, all), rb = b.next(prompt, all);
  NextComparison c;
  c.a.assign(ra.candidates.begin(), ra.candidates.begin() + std::min<long>(topK, long(ra.candidates.size())));
  c.b.assign(rb.candidates.begin(), rb.candidates.begin() + std::min<long>(topK, long(rb.candidates.size())));
  const std::vector<double> pa = distribution(a, ra), pb = distribution(b, rb);
  for (const auto* list : {&c.a, &c.b})
    for (const TokenCandidate& t : *list)
      if (std::none_of(c.both.begin(), c.both.end(),
                       [&](const PairedCandidate& p) { return p.candidate.id == t.id; }))
        c.both.push_back({{t.id, t.piece, t.text, pa[size_t(t.id)]}, pb[size_t(t.id)]});
  std::stable_sort(c.both.begin(), c.both.end(), [](const PairedCandidate& x, const PairedCandidate& y) {
    return std::max(x.candidate.prob, x.probB) > std::max(y.candidate.prob, y.probB);
  });
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
