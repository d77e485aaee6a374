#pragma once
// Owns the training thread and its worker; the GUI's one handle on a run. start() returns at once; results
// arrive as signals on the GUI thread. The GUI thread never waits on a training step.

#include <QtCore/QObject>
#include <QtCore/QThread>

#include "ui/workers/training_worker.h"

namespace pretrain::ui {

class TrainingController : public QObject {
  Q_OBJECT

 public:
  explicit TrainingController(QObject* parent = nullptr);
  ~TrainingController() override;  ///< Stops a running run (it saves a checkpoint) and joins the thread.

  bool isRunning() const { return m_running; }
  bool isPaused() const { return m_paused; }

 public Q_SLOTS:
  void start(const pretrain::TrainingRunOptions& options);
  void setPaused(bool paused);  ///< Takes effect at the next step boundary.
  void stop();                  ///< Stops at the next step boundary, with a checkpoint.
  void saveCheckpoint();        ///< Writes a checkpoint at the next step boundary (also while paused).
  /// The probes the run watches from its next evaluation on (saved with the run).
  void setProbes(const std::vector<pretrain::Probe>& probes);

 Q_SIGNALS:
  void runRequested(const pretrain::TrainingRunOptions& options);  // To the worker (queued).
  void dataProgress(const pretrain::Progress& progress);
  void steps(const QVector<pretrain::StepMetrics>& rows);
  void evaluated(const pretrain::EvalMetrics& eval);
  void probesEvaluated(const QVector<pretrain::ProbeResult>& results);
  /// A copy of the weights as they are now, for the Playground: every few seconds, at pauses and at the end.
  void predictorReady(const std::shared_ptr<const pretrain::Predictor>& predictor);
  void note(const QString& text);
  void computeChosen(const QString& description);
  void pausedChanged(bool paused);
  void runningChanged(bool running);
  void finished(const pretrain::TrainingRunSummary& summary);
  void failed(const QString& message);

 private:
  void setRunning(bool running);

  QThread m_thread;
  TrainingWorker* m_worker;  // Lives on m_thread; deleted when the thread finishes.
  bool m_running = false, m_paused = false;
};

}  // namespace pretrain::ui
