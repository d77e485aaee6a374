#include "compute/bf16_cross_entropy.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "compute/bf16_cast.h"

namespace pretrain {
namespace {

// Values per task: enough that a thread's start costs little against its work.
constexpr int64_t kGrain = 1 << 15;

// Independent partial sums, which the compiler keeps in vector registers: one float sum has to be added
// in order, so it would not vectorise.
constexpr int kLanes = 16;

// Cephes' expf: x = n ln 2 + r with |r| <= ln 2 / 2, exp(r) by a degree-6 polynomial, 2^n added to the
// exponent bits. Rounding to n by adding and taking away 1.5 x 2^23 keeps it plain arithmetic.
inline float expOfNonPositive(float x) {
  x = std::max(x, -87.0f);  // keeps 2^n a normal number; NaN stays NaN (the comparison is false)
  const float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  const float r = x - n * 0.693359375f + n * 2.12194440e-4f;  // ln 2 in two parts, so r is exact
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  uint32_t bits;
  std::memcpy(&bits, &p, sizeof bits);
  bits += uint32_t(int32_t(n)) << 23;
  std::memcpy(&p, &bits, sizeof p);
  return p;
}

// Rows per task for rows of `cols` values.
int64_t rowGrain(int64_t cols) { return std::max<int64_t>(1, kGrain / std::max<int64_t>(1, cols)); }

// One row each. Built for plain x86-64 (SSE2) alone, these ran slower than LibTorch's own kernels (AVX-512
// where the CPU has it); GCC's target_clones adds an AVX2 build of each, picked when the library loads.
#define PRETRAIN_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))

PRETRAIN_CLONES float largest(const uint16_t* src, int64_t cols) {
  int32_t best = INT32_MIN;
  for (int64_t c = 0; c < cols; ++c) best = std::max(best, bf16OrderKey(src[c]));
  return bf16ToFloat(bf16FromOrderKey(best));
}

// out[c] = exp(src[c] - max).
PRETRAIN_CLONES void expLessMax(const uint16_t* src, float* out, int64_t cols, float max) {
  for (int64_t c = 0; c < cols; ++c) out[c] = expOfNonPositive(bf16ToFloat(src[c]) - max);
}

PRETRAIN_CLONES float sum(const float* values, int64_t n) {
  float lanes[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int l = 0; l < kLanes; ++l) lanes[l] += values[i + l];
  float total = 0;
  for (; i < n; ++i) total += values[i];
  for (const float l : lanes) total += l;
  return total;
}

PRETRAIN_CLONES void narrowScaled(const float* src, uint16_t* dst, int64_t cols, float s) {
  for (int64_t c = 0; c < cols; ++c) dst[c] = floatToBf16(src[c] * s);
}

}  // namespace

float expNonPositive(float x) { return expOfNonPositive(x); }

void bf16CrossEntropyRows(const uint16_t* logits, int64_t rows, int64_t cols, const int64_t* targets,
                          int64_t ignoreLabel, double divisor, uint16_t* gradient, float* rowLoss) {
  at::parallel_for(0, rows, rowGrain(cols), [&](int64_t begin, int64_t end) {
    std::vector<float> softmax(static_cast<size_t>(cols));  // unnormalised: exp(logit - max)
    for (int64_t r = begin; r < end; ++r) {
      const uint16_t* row = logits + r * cols;
      uint16_t* grad = gradient ? gradient + r * cols : nullptr;
      const int64_t t = targets[r];
      if (t == ignoreLabel) {
        rowLoss[r] = 0;
        if (grad) std::fill(grad, grad + cols, uint16_t(0));
        continue;
      }
      const float max = largest(row, cols);
      expLessMax(row, softmax.data(), cols, max);  // still in L1 for the sum
      const float total = sum(softmax.data(), cols);
      rowLoss[r] = std::log(total) - (bf16ToFloat(row[t]) - max);
      if (!grad) continue;
      const float scale = 1.0f / total / float(divisor);
      narrowScaled(softmax.data(), grad, cols, scale);
      grad[t] = floatToBf16(softmax[size_t(t)] * scale - float(1.0 / divisor));
    }
  });
}

}  // namespace pretrain
