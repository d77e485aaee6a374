#pragma once
// The value types that cross from the training thread (and background tasks) to the GUI thread in queued
// signals and in BackgroundTask's QVariant results.

#include <QtCore/QMetaType>
#include <QtCore/QVector>

#include <memory>

#include "infer/predictor.h"
#include "infer/probe.h"
#include "run/training_run.h"
#include "train/trainer.h"

Q_DECLARE_METATYPE(pretrain::StepMetrics)
Q_DECLARE_METATYPE(pretrain::EvalMetrics)
Q_DECLARE_METATYPE(pretrain::TrainingRunSummary)
Q_DECLARE_METATYPE(pretrain::TrainingRunOptions)
Q_DECLARE_METATYPE(pretrain::Progress)
Q_DECLARE_METATYPE(pretrain::ProbeResult)
Q_DECLARE_METATYPE(std::shared_ptr<const pretrain::Predictor>)

namespace pretrain::ui {
/// Registers the types above with Qt's meta-type system (once; needed for queued connections).
void registerTrainingTypes();
}  // namespace pretrain::ui
