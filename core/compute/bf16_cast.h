#pragma once
// fp32 <-> bf16 conversion of plain arrays, in loops the compiler vectorises. LibTorch 1.13's own is slow on
// the CPU: turning the loss's fp32 gradient (an 8k vocabulary x 2,048 positions) into bf16 took 5% of a
// tiny bf16 step on 2 cores. Bit for bit what LibTorch gives (round to nearest even); NaN stays NaN.
// No LibTorch in this header.

#include <cstdint>

namespace pretrain {

/// For `rows` rows of `cols` bf16 values, each row contiguous: rowMax[r] = the row's largest value (NaN if
/// it holds a NaN) and out[r][c] = in[r][c] - rowMax[r] in fp32, the start of a stable softmax.
void widenBf16LessRowMax(const uint16_t* in, float* out, int64_t rows, int64_t cols, float* rowMax);

/// out[r][c] = bf16(in[r][c] x rowScale[r]) for `rows` rows of `cols` values, each row contiguous.
void narrowRowsToBf16(const float* in, uint16_t* out, int64_t rows, int64_t cols, const float* rowScale);

}  // namespace pretrain
