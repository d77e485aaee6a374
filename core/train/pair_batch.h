#pragma once
// Batches of pairs (an input and its output, corpus.h) for next-word training: one pair per row, the loss on
// the output's tokens only. The input is context the model reads, never text it is taught to write, as in
// instruction tuning's "train on completions only".

#include <cstdint>
#include <vector>

#include "train/batch_sampler.h"

namespace pretrain {

/// A pair's tokens: the input's, then the output's (ending with </s>).
struct PairTokens {
  std::vector<int64_t> tokens;
  uint32_t inputTokens = 0;
};

/// One row per pair: inputs are its tokens but the last, targets the same shifted by one, with kIgnoreLabel
/// where the target is still part of the input. Rows are padded with <pad> (no loss) to the longest. A pair
/// longer than context + 1 tokens keeps its last context + 1: the input is cut from the front, the output
/// kept whole where it fits (an output longer than the context keeps its end, and only that is scored).
Batch pairBatch(const std::vector<PairTokens>& pairs, int context);

/// Real tokens among a batch's inputs (all but padding): what a step of it reads.
uint64_t inputTokens(const Batch& b);

}  // namespace pretrain
