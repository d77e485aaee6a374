#include "train/lr_schedule.h"

#include <algorithm>
#include <cmath>

namespace pretrain {

double LrSchedule::at(int64_t step) const {
  const double floor = peak * floorRatio;
  if (step < warmup) return peak * double(step + 1) / double(warmup);
  if (step >= total) return floor;
  const double progress = double(step - warmup) / double(std::max<int64_t>(1, total - warmup));
  return floor + (peak - floor) * 0.5 * (1.0 + std::cos(M_PI * progress));
}

}  // namespace pretrain
