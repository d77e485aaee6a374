#pragma once
// One AdamW update of a parameter's fp32 values in a single pass over memory, for LibTorch 1.13, which has
// no fused AdamW: torch::optim::AdamW makes eight passes (a tenth of a tiny bf16 step on 2 cores). The
// formula and rounding order are torch::optim::AdamW's. No LibTorch in this header.

#include <cstdint>

namespace pretrain {

struct AdamWCoefficients {
  float decay = 1;                ///< 1 - lr x weight decay
  float beta1 = 0, beta2 = 0;     ///< the moments' memories
  float stepSize = 0;             ///< lr / (1 - beta1^step)
  float biasCorrection2Sqrt = 1;  ///< sqrt(1 - beta2^step)
  float eps = 0;
  float gradScale = 1;  ///< the clipping factor, applied as each gradient is read (not a pass of its own)
};

/// param = param x decay - stepSize x m / (sqrt(v) / biasCorrection2Sqrt + eps), after the moments m and v
/// take in the gradient x gradScale; n values each, on the intra-op threads. The gradient is left as it was.
void adamWUpdate(float* param, const float* grad, float* expAvg, float* expAvgSq, int64_t n,
                 const AdamWCoefficients& c);

}  // namespace pretrain
