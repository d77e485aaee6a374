#pragma once
// The cross-entropy's inner loop over bf16 logits on the CPU: each row's max, softmax, loss and gradient in
// passes over the row while it is in the cache, in loops the compiler vectorises (with an exp of our own:
// LibTorch's is a call per block of values, and the block's fp32 copy, exp, sum, gather, scatter and casts
// were separate passes and a dozen operator calls per 64 rows). No LibTorch in this header.

#include <cstdint>

namespace pretrain {

/// For `rows` rows of `cols` bf16 logits (each row contiguous) and each row's target column (or
/// `ignoreLabel`): rowLoss[r] = log-sum-exp(row) - row[target] (0 for a row without a target, whatever its
/// values), and where `gradient` is not null, its row = (softmax(row) - one_hot(target)) / divisor in bf16
/// (zero for a row without a target). A NaN in a row with a target makes its loss NaN.
void bf16CrossEntropyRows(const uint16_t* logits, int64_t rows, int64_t cols, const int64_t* targets,
                          int64_t ignoreLabel, double divisor, uint16_t* gradient, float* rowLoss);

/// exp(x) for x <= 0 within 2 ulp (0 below -87.3 comes out as a value under 1e-37); NaN stays NaN. Exposed
/// for its test.
float expNonPositive(float x);

}  // namespace pretrain
