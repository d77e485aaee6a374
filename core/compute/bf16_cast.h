#pragma once
// fp32 <-> bf16 conversion of single values as plain float and integer arithmetic, for loops that the
// compiler vectorises (LibTorch 1.13's own conversions were slow on the CPU: turning the loss's fp32
// gradient, an 8k vocabulary x 2,048 positions, into bf16 took 5% of a tiny bf16 step on 2 cores).
// Bit for bit what LibTorch gives (round to nearest even); NaN stays NaN. No LibTorch in this header.

#include <cstdint>
#include <cstring>

namespace pretrain {

inline uint16_t floatToBf16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);  // memcpy is how C++ reads a float's bits
  const uint32_t rounded = (bits + ((bits >> 16) & 1) + 0x7FFF) >> 16;
  return f != f ? uint16_t(0x7FC0) : uint16_t(rounded);
}

inline float bf16ToFloat(uint16_t b) {
  const uint32_t bits = uint32_t(b) << 16;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

/// bf16 bits as an integer that orders like the numbers (magnitude, negated below zero), so the largest of
/// many is found with an integer max, which vectorises where a float max must keep NaN's order. Any NaN
/// (LibTorch's vectorised kernels write 0xFFFF, a negative one) orders above everything. 32 bits: GCC 12
/// does not vectorise the same reduction over 16-bit integers.
inline int32_t bf16OrderKey(uint16_t b) {
  const int32_t magnitude = b & 0x7FFF;
  if (magnitude > 0x7F80) return 0x7FFF;
  return (b & 0x8000) ? -1 - magnitude : magnitude;
}

/// The bf16 bits of an order key (a NaN's key gives a NaN).
inline uint16_t bf16FromOrderKey(int32_t k) { return k >= 0 ? uint16_t(k) : uint16_t(0x8000 | (-1 - k)); }

}  // namespace pretrain
