#include "compute/bf16_cast.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cstring>

namespace pretrain {
namespace {

// Values per task: enough that a thread's start costs little against its work.
constexpr int64_t kGrain = 1 << 15;

// Plain loops over bits that the compiler vectorises (memcpy is how C++ reads a float's bits).
inline uint16_t toBf16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  const uint32_t rounded = (bits + ((bits >> 16) & 1) + 0x7FFF) >> 16;
  return f != f ? uint16_t(0x7FC0) : uint16_t(rounded);
}

inline float toFloat(uint16_t b) {
  const uint32_t bits = uint32_t(b) << 16;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// bf16 bits as an integer that orders like the numbers (magnitude, negated below zero), so the largest is
// found with an integer max, which vectorises where a float max must keep NaN's order. Any NaN (LibTorch's
// vectorised kernels write 0xFFFF, a negative one) orders above everything. 32 bits: GCC 12 does not
// vectorise the same reduction over 16-bit integers.
inline int32_t orderKey(uint16_t b) {
  const int32_t magnitude = b & 0x7FFF;
  if (magnitude > 0x7F80) return 0x7FFF;
  return (b & 0x8000) ? -1 - magnitude : magnitude;
}
inline uint16_t fromOrderKey(int32_t k) { return k >= 0 ? uint16_t(k) : uint16_t(0x8000 | (-1 - k)); }

// Rows per task for rows of `cols` values.
int64_t rowGrain(int64_t cols) { return std::max<int64_t>(1, kGrain / std::max<int64_t>(1, cols)); }

// One row each. Built for plain x86-64 (SSE2) alone, the row max ran slower than LibTorch's own (AVX-512
// where the CPU has it); GCC's target_clones adds an AVX2 build of each, picked when the library loads.
#define PRETRAIN_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))

PRETRAIN_CLONES int32_t largestKey(const uint16_t* src, int64_t cols) {
  int32_t best = INT32_MIN;
  for (int64_t c = 0; c < cols; ++c) best = std::max(best, orderKey(src[c]));
  return best;
}

PRETRAIN_CLONES void widenLess(const uint16_t* src, float* dst, int64_t cols, float max) {
  for (int64_t c = 0; c < cols; ++c) dst[c] = toFloat(src[c]) - max;
}

PRETRAIN_CLONES void narrowScaled(const float* src, uint16_t* dst, int64_t cols, float s) {
  for (int64_t c = 0; c < cols; ++c) dst[c] = toBf16(src[c] * s);
}

}  // namespace

void widenBf16LessRowMax(const uint16_t* in, float* out, int64_t rows, int64_t cols, float* rowMax) {
  at::parallel_for(0, rows, rowGrain(cols), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      rowMax[r] = toFloat(fromOrderKey(largestKey(in + r * cols, cols)));
      widenLess(in + r * cols, out + r * cols, cols, rowMax[r]);
    }
  });
}

void narrowRowsToBf16(const float* in, uint16_t* out, int64_t rows, int64_t cols, const float* rowScale) {
  at::parallel_for(0, rows, rowGrain(cols), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) narrowScaled(in + r * cols, out + r * cols, cols, rowScale[r]);
  });
}

}  // namespace pretrain
