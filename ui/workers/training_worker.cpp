#include "ui/workers/training_worker.h"

#include <exception>

#include "util/error.h"
#include "util/thread_priority.h"

namespace pretrain::ui {

namespace {
constexpr qint64 kSnapshotMs = 3000;  // The Playground's weights are this old at most (small models).
// A big model's copy is not free: snapshots are spaced at least this many times their copy time apart,
// so copying takes under ~2% of the training time.
constexpr qint64 kSnapshotSpacing = 50;
}  // namespace

void TrainingWorker::setProbes(const std::vector<Probe>& probes) {
  const std::lock_guard<std::mutex> lock(m_probesMutex);
  m_probes = probes;
}

void TrainingWorker::emitSnapshot(const Trainer& trainer) {
  QElapsedTimer copying;
  copying.start();
  auto predictor = std::make_shared<const Predictor>(trainer.snapshot(), trainer.tokenizer());
  m_snapshotEveryMs = std::max(kSnapshotMs, kSnapshotSpacing * copying.elapsed());
  m_sinceSnapshot.restart();
  Q_EMIT predictorReady(predictor);
}

void TrainingWorker::flush(bool force) {
  if (m_pending.isEmpty() || (!force && m_sinceFlush.isValid() && m_sinceFlush.elapsed() < kReportIntervalMs))
    return;
  Q_EMIT steps(m_pending);
  m_pending.clear();
  m_sinceFlush.restart();
}

void TrainingWorker::run(const TrainingRunOptions& options) {
  // Before any LibTorch work on this thread, so its OpenMP pool inherits it: the Playground and the window
  // get the cores first, and training takes what is left (measured: pretrain bench predict).
  static thread_local const bool lowered = lowerThreadPriority();
  Q_UNUSED(lowered);
  m_pending.clear();
  m_sinceFlush.start();
  m_sinceSnapshot.start();
  m_snapshotEveryMs = kSnapshotMs;
  m_dataThrottle = ProgressThrottle();
  m_trainer = nullptr;
  m_wasPaused = false;
  // The one place where anything the engine throws becomes a message for the window.
  try {
    const TrainingRunSummary summary = runTraining(options, callbacks());
    flush(true);
    Q_EMIT finished(summary);
  } catch (const Cancelled&) {
    flush(true);
    Q_EMIT failed(tr("Cancelled before training started; nothing was changed."));
  } catch (...) {
    flush(true);
    Q_EMIT failed(QString::fromStdString(currentErrorMessage()));
  }
}

TrainingRunCallbacks TrainingWorker::callbacks() {
  TrainingRunCallbacks cb;
  cb.dataProgress = [this](const Progress& p) {
    if (m_dataThrottle.due(p)) Q_EMIT dataProgress(p);
    return !m_stop.load();
  };
  cb.onStep = [this](const StepMetrics& s) {
    m_pending.push_back(s);
    flush(false);
  };
  cb.onReady = [this](Trainer& t) {
    m_trainer = &t;
    Q_EMIT computeChosen(QString::fromStdString(t.computeDescription()));
    emitSnapshot(t);
  };
  cb.onEval = [this](const EvalMetrics& e) {
    flush(true);
    Q_EMIT evaluated(e);
    emitSnapshot(*m_trainer);  // The last step always evaluates, so the Playground ends on the final weights.
  };
  cb.probes = [this] {
    const std::lock_guard<std::mutex> lock(m_probesMutex);
    return m_probes;
  };
  cb.onProbes = [this](const std::vector<ProbeResult>& r) {
    Q_EMIT probesEvaluated(QVector<ProbeResult>(r.begin(), r.end()));
  };
  cb.onNote = [this](const std::string& text) { Q_EMIT note(QString::fromStdString(text)); };
  cb.control = [this] { return control(); };
  return cb;
}

RunCommand TrainingWorker::control() {
  const bool paused = m_paused.load() && !m_stop.load();
  if (paused != m_wasPaused) {
    flush(true);
    if (paused) emitSnapshot(*m_trainer);  // Explore the model as it is at the pause.
    Q_EMIT pausedChanged(paused);
    m_wasPaused = paused;
  }
  if (!paused && m_sinceSnapshot.elapsed() >= m_snapshotEveryMs) emitSnapshot(*m_trainer);
  if (m_stop) return RunCommand::Stop;
  if (m_checkpoint.exchange(false)) return RunCommand::SaveCheckpoint;
  return paused ? RunCommand::Pause : RunCommand::Continue;
}

}  // namespace pretrain::ui
