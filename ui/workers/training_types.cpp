#include "ui/workers/training_types.h"

namespace pretrain::ui {

void registerTrainingTypes() {
  static const bool once = [] {
    qRegisterMetaType<StepMetrics>();
    qRegisterMetaType<EvalMetrics>();
    qRegisterMetaType<TrainingRunSummary>();
    qRegisterMetaType<TrainingRunOptions>();
    qRegisterMetaType<Progress>();
    qRegisterMetaType<QVector<StepMetrics>>();
    qRegisterMetaType<QVector<ProbeResult>>();
    qRegisterMetaType<std::shared_ptr<const Predictor>>();
    return true;
  }();
  Q_UNUSED(once);
}

}  // namespace pretrain::ui
