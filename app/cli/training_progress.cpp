#include "cli/training_progress.h"

#include "util/stop_signals.h"

namespace pretrain::cli {

TrainingRunCallbacks trainingProgressCallbacks(const ProgressFn& progress,
                                               std::function<int64_t()> totalSteps,
                                               std::function<std::string(const StepMetrics&)> stepDetail) {
  TrainingRunCallbacks cb;
  cb.dataProgress = progress;
  cb.onStep = [progress, totalSteps = std::move(totalSteps),
               stepDetail = std::move(stepDetail)](const StepMetrics& s) {
    progress({"training", uint64_t(s.step), uint64_t(totalSteps()), "steps", stepDetail(s)});
  };
  cb.control = [] { return stopRequested() ? RunCommand::Stop : RunCommand::Continue; };
  return cb;
}

}  // namespace pretrain::cli
