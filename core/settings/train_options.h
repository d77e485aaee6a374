#pragma once
// The training settings as flags and settings-file keys: `pretrain train`, `pretrain demo`, and the
// studio's File > Open settings read them here.

#include "run/training_run.h"
#include "settings/arg_parser.h"

namespace pretrain {

void addTrainOptions(ArgParser& p);
/// Reads them back; preset first, then any single setting given on top of it (no corpus check: a run that
/// goes on has its own). Throws UsageError/InputError.
TrainingRunOptions trainOptionsFrom(const ArgParser& p);

}  // namespace pretrain
