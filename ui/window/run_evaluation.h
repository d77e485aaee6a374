#pragma once
// Run ▸ Evaluate: measures a run folder's latest checkpoint on the run's own validation windows (what
// `pretrain eval --run` prints), off the GUI thread, with a progress dialog that shows only when it takes
// a while and whose Cancel stops it.

#include <QtCore/QObject>

#include "train/trainer.h"

class QWidget;

namespace pretrain::ui {

class BackgroundTask;

class RunEvaluation : public QObject {
  Q_OBJECT

 public:
  /// The progress dialog opens over `window`.
  explicit RunEvaluation(QWidget* window);

  BackgroundTask* task() const { return m_task; }
  bool isRunning() const;
  /// Evaluates `runDir` unless an evaluation is running.
  void start(const QString& runDir);

 Q_SIGNALS:
  void evaluated(const pretrain::EvalMetrics& eval);
  void failed(const QString& message);

 private:
  QWidget* m_window;
  BackgroundTask* m_task;
};

}  // namespace pretrain::ui
