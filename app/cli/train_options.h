#pragma once
// The training flags, shared by `pretrain train` and `pretrain demo` (and named like the GUI's settings).

#include "cli/arg_parser.h"
#include "run/training_run.h"

namespace pretrain::cli {

void addTrainOptions(ArgParser& p);
/// Reads them back; preset first, then any single setting given on top of it (no corpus check: a run that
/// goes on has its own). Throws UsageError/InputError.
TrainingRunOptions trainOptionsFrom(const ArgParser& p);

}  // namespace pretrain::cli
