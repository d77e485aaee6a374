#include "ui/window/run_evaluation.h"

#include <QtWidgets/QWidget>

#include "run/open_run.h"
#include "run/run_folder.h"
#include "ui/window/task_progress_dialog.h"
#include "ui/workers/background_task.h"
#include "util/error.h"

namespace pretrain::ui {

RunEvaluation::RunEvaluation(QWidget* window)
    : QObject(window), m_window(window), m_task(new BackgroundTask(this)) {
  connect(m_task, &BackgroundTask::succeeded, this,
          [this](const QVariant& eval) { Q_EMIT evaluated(eval.value<EvalMetrics>()); });
  connect(m_task, &BackgroundTask::failed, this, &RunEvaluation::failed);
}

bool RunEvaluation::isRunning() const { return m_task->isRunning(); }

void RunEvaluation::start(const QString& runDir) {
  if (m_task->isRunning()) return;
  showTaskProgress(m_task, m_window, tr("Evaluate run"),
                   tr("Evaluating %1 on its validation split…").arg(runDir));
  const std::string dir = runDir.toStdString();
  m_task->start([dir](const ProgressFn& progress) {
    const auto trainer = openRunTrainer(dir);
    if (RunFolder(dir).latestCheckpoint().empty())
      throw InputError("the run " + dir + " has no checkpoint yet: train it first");
    // The run's own validation windows, so the figure matches the validation points of its history.
    return QVariant::fromValue(trainer->evaluate(trainer->storeShared(), TokenSplit::Validation,
                                                 trainer->trainConfig().evalWindows, progress));
  });
}

}  // namespace pretrain::ui
