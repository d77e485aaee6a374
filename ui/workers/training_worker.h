#pragma once
// Runs a training run on the worker thread (the QThread docs' Worker pattern). The engine's loop is plain
// blocking C++; this object turns its callbacks into queued signals of value types, batching step rows so
// the GUI hears at most ~20 times a second however fast steps are. Pause and stop are atomics the GUI
// thread sets directly, because this thread is busy training and runs no event loop meanwhile.

#include <QtCore/QElapsedTimer>
#include <QtCore/QObject>
#include <QtCore/QVector>

#include <atomic>
#include <mutex>
#include <vector>

#include "ui/workers/progress_report.h"
#include "ui/workers/training_types.h"

namespace pretrain::ui {

class TrainingWorker : public QObject {
  Q_OBJECT

 public:
  void requestPause(bool paused) { m_paused = paused; }
  void requestStop() { m_stop = true; }
  void requestCheckpoint() { m_checkpoint = true; }
  /// Clears pause and stop before a new run is queued (from the GUI thread, so a stop that follows at once
  /// is not lost).
  void reset() {
    m_paused = false;
    m_stop = false;
    m_checkpoint = false;
  }
  /// From the GUI thread: the probes the run watches from its next evaluation on.
  void setProbes(const std::vector<pretrain::Probe>& probes);

 public Q_SLOTS:
  /// Blocks until the run ends; reports through the signals below.
  void run(const pretrain::TrainingRunOptions& options);

 Q_SIGNALS:
  void dataProgress(const pretrain::Progress& progress);
  void steps(const QVector<pretrain::StepMetrics>& rows);
  void evaluated(const pretrain::EvalMetrics& eval);
  void probesEvaluated(const QVector<pretrain::ProbeResult>& results);
  void predictorReady(const std::shared_ptr<const pretrain::Predictor>& predictor);
  void note(const QString& text);
  void computeChosen(const QString& description);  ///< Where and how the run trains ("cuda, bf16 autocast").
  void pausedChanged(bool paused);
  void finished(const pretrain::TrainingRunSummary& summary);
  void failed(const QString& message);

 private:
  /// The engine's callbacks for one run, turned into this object's signals.
  pretrain::TrainingRunCallbacks callbacks();
  /// Between steps: reports pause changes, takes snapshots when due, and says what the run does next.
  pretrain::RunCommand control();
  void flush(bool force);
  void emitSnapshot(const Trainer& trainer);

  std::atomic<bool> m_paused{false}, m_stop{false}, m_checkpoint{false};
  // The rest belongs to the worker thread.
  QVector<StepMetrics> m_pending;
  QElapsedTimer m_sinceFlush, m_sinceSnapshot;
  ProgressThrottle m_dataThrottle;
  qint64 m_snapshotEveryMs = 0;        // Longer for models that take long to copy.
  const Trainer* m_trainer = nullptr;  // The run's, once it is ready.
  bool m_wasPaused = false;            // What pausedChanged() last said.
  std::mutex m_probesMutex;
  std::vector<pretrain::Probe> m_probes;
};

}  // namespace pretrain::ui
