#include "train/batch_sampler.h"

#include <algorithm>

#include "tokenizer/tokenizer.h"
#include "train/pair_batch.h"
#include "util/error.h"

namespace pretrain {
namespace {
// Validation masks are drawn from this fixed seed, whatever the run's seed: evaluations stay comparable.
constexpr uint64_t kValidationMaskSeed = 0x5eed;
}  // namespace

BatchSampler::BatchSampler(std::shared_ptr<const TokenStore> store, Objective objective, int context,
                           VocabularyTraits vocab, MaskingOptions masking)
    : m_store(std::move(store)),
      m_objective(objective),
      m_context(context),
      m_vocab(std::move(vocab)),
      m_masking(masking) {
  if (m_store->holdsPairs()) {
    if (objective != Objective::Causal)
      throw InputError(
          "a corpus of input/output pairs trains next-word prediction (GPT-style, --objective clm); this "
          "model predicts masked words");
    return;
  }
  const uint64_t need = uint64_t(context) + 1;
  if (m_store->size(TokenSplit::Train) < need)
    throw InputError("the training split has " + std::to_string(m_store->size(TokenSplit::Train)) +
                     " tokens; a context of " + std::to_string(context) + " needs at least " +
                     std::to_string(need) + " (use a larger corpus or a shorter context)");
}

void BatchSampler::fillRow(TokenSplit split, uint64_t start, int64_t cols, std::mt19937_64& rng,
                           Batch& out) const {
  // Causal: inputs are tokens [start, start+cols), targets the same shifted by one.
  // Masked: inputs are the window with some tokens hidden, targets the hidden tokens.
  std::vector<int64_t> window(size_t(cols) + 1);
  const bool causal = m_objective == Objective::Causal;
  m_store->read(split, start, uint64_t(cols) + (causal ? 1 : 0), window.data());
  window.resize(size_t(cols) + (causal ? 1 : 0));
  if (causal) {
    out.inputs.insert(out.inputs.end(), window.begin(), window.end() - 1);
    out.targets.insert(out.targets.end(), window.begin() + 1, window.end());
    return;
  }
  std::vector<int64_t> labels;
  applyMlmMasking(window, labels, m_vocab, m_masking, rng);
  if (std::all_of(labels.begin(), labels.end(), [](int64_t l) { return l == kIgnoreLabel; })) {
    // Nothing selected (possible in short windows): predict one ordinary position so the loss is defined.
    for (size_t i = 0; i < window.size(); ++i)
      if (!m_vocab.special[size_t(window[i])]) {
        labels[i] = window[i];
        window[i] = SpecialTokens::kMask;
        break;
      }
  }
  out.inputs.insert(out.inputs.end(), window.begin(), window.end());
  out.targets.insert(out.targets.end(), labels.begin(), labels.end());
}

Batch rowsOf(const Batch& b, int64_t first, int64_t rows) {
  Batch out;
  out.rows = rows;
  out.cols = b.cols;
  const auto begin = ptrdiff_t(first * b.cols), end = ptrdiff_t((first + rows) * b.cols);
  out.inputs.assign(b.inputs.begin() + begin, b.inputs.begin() + end);
  out.targets.assign(b.targets.begin() + begin, b.targets.begin() + end);
  return out;
}

PairTokens BatchSampler::pair(TokenSplit split, size_t index) const {
  const PairSpan& span = m_store->pairs(split)[index];
  PairTokens p;
  p.tokens.resize(size_t(span.tokens()));
  m_store->read(split, span.start, span.tokens(), p.tokens.data());
  p.inputTokens = span.inputTokens;
  return p;
}

Batch BatchSampler::trainBatch(int rows, std::mt19937_64& rng) const {
  if (m_store->holdsPairs()) {
    std::uniform_int_distribution<size_t> pick(0, m_store->pairs(TokenSplit::Train).size() - 1);
    std::vector<PairTokens> pairs;
    for (int r = 0; r < rows; ++r) pairs.push_back(pair(TokenSplit::Train, pick(rng)));
    return pairBatch(pairs, m_context);
  }
  Batch b;
  b.rows = rows;
  b.cols = m_context;
  const uint64_t span = uint64_t(m_context) + (m_objective == Objective::Causal ? 1 : 0);
  std::uniform_int_distribution<uint64_t> pick(0, m_store->size(TokenSplit::Train) - span);
  for (int r = 0; r < rows; ++r) fillRow(TokenSplit::Train, pick(rng), m_context, rng, b);
  return b;
}

std::vector<Batch> BatchSampler::fixedPairBatches(TokenSplit split, int windows, int rows) const {
  // The pairs from the split's start that fit the tokens of `windows` windows (at least `windows` pairs):
  // short pairs cost what a window costs, and exact-match accuracy gets more than a few examples.
  const uint64_t budget = uint64_t(windows) * uint64_t(m_context);
  const std::vector<PairSpan>& spans = m_store->pairs(split);
  std::vector<Batch> batches;
  std::vector<PairTokens> pending;
  uint64_t used = 0;
  for (size_t i = 0; i < spans.size() && (used < budget || i < size_t(windows)); ++i) {
    used += std::min<uint64_t>(spans[i].tokens(), uint64_t(m_context) + 1);
    pending.push_back(pair(split, i));
    if (int(pending.size()) == rows) {
      batches.push_back(pairBatch(pending, m_context));
      pending.clear();
    }
  }
  if (!pending.empty()) batches.push_back(pairBatch(pending, m_context));
  return batches;
}

std::vector<Batch> BatchSampler::fixedBatches(TokenSplit split, int windows, int rows) const {
  if (m_store->holdsPairs()) return fixedPairBatches(split, windows, rows);
  const uint64_t n = m_store->size(split);
  const int64_t extra = m_objective == Objective::Causal ? 1 : 0;
  if (n < uint64_t(2 + extra)) return {};
  // Consecutive windows from the start of the split; a split shorter than one window gives one short window.
  const int64_t cols = std::min<int64_t>(m_context, int64_t(n) - extra);
  const uint64_t count = std::min<uint64_t>(uint64_t(windows), (n - uint64_t(extra)) / uint64_t(cols));
  std::mt19937_64 rng(kValidationMaskSeed);
  std::vector<Batch> batches;
  for (uint64_t w = 0; w < count; ++w) {
    if (batches.empty() || batches.back().rows == rows) batches.push_back(Batch{0, cols, {}, {}});
    fillRow(split, w * uint64_t(cols), cols, rng, batches.back());
    ++batches.back().rows;
  }
  return batches;
}

}  // namespace pretrain
