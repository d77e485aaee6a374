#include "compute/bf16_cast.h"

#include <ATen/Parallel.h>

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

}  // namespace

void widenBf16(const uint16_t* in, float* out, int64_t n) {
  at::parallel_for(0, n, kGrain, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const uint32_t bits = uint32_t(in[i]) << 16;
      std::memcpy(&out[i], &bits, sizeof bits);
    }
  });
}

void narrowRowsToBf16(const float* in, uint16_t* out, int64_t rows, int64_t cols, const float* rowScale) {
  at::parallel_for(0, rows, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, cols)),
                   [&](int64_t begin, int64_t end) {
                     for (int64_t r = begin; r < end; ++r) {
                       const float s = rowScale[r];
                       const float* src = in + r * cols;
                       uint16_t* dst = out + r * cols;
                       for (int64_t c = 0; c < cols; ++c) dst[c] = toBf16(src[c] * s);
                     }
                   });
}

}  // namespace pretrain
