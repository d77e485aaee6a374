#pragma once
// What `train` and `demo` both hand a training run: its data preparation and steps on the progress line,
// and Ctrl-C as "stop after this step" (the run then saves a checkpoint and can be resumed).

#include <cstdint>
#include <functional>
#include <string>

#include "run/training_run.h"
#include "util/progress.h"

namespace pretrain::cli {

/// Callbacks with dataProgress, onStep and control set: each step goes to `progress` as the "training"
/// stage, `totalSteps()` steps long (asked at each step: a resumed run may change it), described by
/// `stepDetail`. The caller adds any others.
TrainingRunCallbacks trainingProgressCallbacks(const ProgressFn& progress,
                                               std::function<int64_t()> totalSteps,
                                               std::function<std::string(const StepMetrics&)> stepDetail);

}  // namespace pretrain::cli
