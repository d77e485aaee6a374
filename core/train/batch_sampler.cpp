#include "train/batch_sampler.h"

#include <algorithm>

#include "tokenizer/tokenizer.h"
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

Batch BatchSampler::trainBatch(int rows, std::mt19937_64& rng) const {
  Batch b;
  b.rows = rows;
  b.cols = m_context;
  const uint64_t span = uint64_t(m_context) + (m_objective == Objective::Causal ? 1 : 0);
  std::uniform_int_distribution<uint64_t> pick(0, m_store->size(TokenSplit::Train) - span);
  for (int r = 0; r < rows; ++r) fillRow(TokenSplit::Train, pick(rng), m_context, rng, b);
  return b;
}

std::vector<Batch> BatchSampler::fixedBatches(TokenSplit split, int windows, int rows) const {
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
