#include "compute/cpu_adamw.h"

#include <ATen/Parallel.h>

#include <cmath>

namespace pretrain {

// Built with -fno-math-errno (core/CMakeLists.txt): a sqrt that may set errno keeps the loop from being
// vectorised, and scalar, it was slower than the eight passes it replaces.
void adamWUpdate(float* param, const float* grad, float* expAvg, float* expAvgSq, int64_t n,
                 const AdamWCoefficients& c) {
  at::parallel_for(0, n, 1 << 15, [&](int64_t begin, int64_t end) {
    for (int64_t j = begin; j < end; ++j) {
      const float g = grad[j] * c.gradScale;
      const float m = expAvg[j] * c.beta1 + g * (1 - c.beta1);
      const float v = expAvgSq[j] * c.beta2 + g * g * (1 - c.beta2);
      expAvg[j] = m;
      expAvgSq[j] = v;
      param[j] = param[j] * c.decay - c.stepSize * (m / (std::sqrt(v) / c.biasCorrection2Sqrt + c.eps));
    }
  });
}

}  // namespace pretrain
