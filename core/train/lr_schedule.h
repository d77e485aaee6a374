#pragma once
// Learning rate per optimizer step: linear warmup from 0 to the peak, then cosine decay to a floor
// (10% of the peak by default), as in GPT-3 and most pre-training recipes since.

#include <cstdint>

namespace pretrain {

struct LrSchedule {
  double peak = 1e-3;       // learning rate at the end of warmup
  int64_t warmup = 100;     // steps of linear warmup
  int64_t total = 1000;     // steps of the whole run; the floor is reached here
  double floorRatio = 0.1;  // final learning rate as a share of the peak

  /// Learning rate for step `step` (0-based): peak·(step+1)/warmup during warmup, then
  /// floor + (peak - floor)·(1 + cos(π·progress))/2, and the floor from `total` on.
  double at(int64_t step) const;
};

}  // namespace pretrain
