#pragma once
// Training and validation batches from a token store. Training: random windows of the train split, masks
// redrawn for every batch. Validation: a fixed set of windows (and, for the masked objective, fixed masks),
// so every evaluation of a run measures the same thing. A store of pairs gives one pair per row instead
// (pair_batch.h): random pairs for training, the validation split's first pairs for validation.

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "data/mlm_masking.h"
#include "data/token_store.h"
#include "model/model_config.h"

namespace pretrain {

struct PairTokens;

/// rows x cols token ids, row-major, and what each position must predict (kIgnoreLabel: no loss there).
struct Batch {
  int64_t rows = 0, cols = 0;
  std::vector<int64_t> inputs, targets;
};

/// Rows [first, first + rows) of `b`.
Batch rowsOf(const Batch& b, int64_t first, int64_t rows);

class BatchSampler {
 public:
  /// Throws InputError when the train split is shorter than one window, or for pairs with the masked
  /// objective.
  BatchSampler(std::shared_ptr<const TokenStore> store, Objective objective, int context,
               VocabularyTraits vocab, MaskingOptions masking);

  bool holdsPairs() const { return m_store->holdsPairs(); }
  /// `rows` random windows; advances `rng`.
  Batch trainBatch(int rows, std::mt19937_64& rng) const;
  /// Up to `windows` fixed windows of `split`, consecutive from its start, in batches of `rows`; the same
  /// result on every call (masks come from a fixed seed). For pairs: the split's first pairs, as many as
  /// fill the tokens of `windows` windows (and at least `windows`).
  std::vector<Batch> fixedBatches(TokenSplit split, int windows, int rows) const;

 private:
  // A window of `cols` inputs read at `start` of `split`, turned into inputs and targets.
  void fillRow(TokenSplit split, uint64_t start, int64_t cols, std::mt19937_64& rng, Batch& out) const;

  PairTokens pair(TokenSplit split, size_t index) const;
  std::vector<Batch> fixedPairBatches(TokenSplit split, int windows, int rows) const;

  std::shared_ptr<const TokenStore> m_store;
  Objective m_objective;
  int m_context;
  VocabularyTraits m_vocab;
  MaskingOptions m_masking;
};

}  // namespace pretrain
