#include "train/pair_batch.h"

#include <algorithm>

#include "data/mlm_masking.h"
#include "data/special_tokens.h"

namespace pretrain {

Batch pairBatch(const std::vector<PairTokens>& pairs, int context) {
  Batch b;
  b.rows = int64_t(pairs.size());
  for (const PairTokens& p : pairs)
    b.cols = std::max<int64_t>(b.cols, std::min<int64_t>(int64_t(p.tokens.size()) - 1, context));
  b.inputs.assign(size_t(b.rows * b.cols), SpecialTokens::kPad);
  b.targets.assign(size_t(b.rows * b.cols), kIgnoreLabel);
  for (int64_t r = 0; r < b.rows; ++r) {
    const PairTokens& p = pairs[size_t(r)];
    const int64_t n = int64_t(p.tokens.size());
    const int64_t first = std::max<int64_t>(0, n - 1 - context);  // tokens cut from the front
    for (int64_t i = first; i + 1 < n; ++i) {
      const size_t at = size_t(r * b.cols + (i - first));
      b.inputs[at] = p.tokens[size_t(i)];
      if (i + 1 >= int64_t(p.inputTokens)) b.targets[at] = p.tokens[size_t(i + 1)];
    }
  }
  return b;
}

uint64_t inputTokens(const Batch& b) {
  return uint64_t(
      std::count_if(b.inputs.begin(), b.inputs.end(), [](int64_t t) { return t != SpecialTokens::kPad; }));
}

}  // namespace pretrain
