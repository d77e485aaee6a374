#include "ui/training_worker.h"

#include <exception>

namespace pretrain::ui {

namespace {
constexpr qint64 kFlushMs = 50;  // At most ~20 updates a second reach the GUI.
}

void TrainingWorker::flush(bool force) {
  if (m_pending.isEmpty() || (!force && m_sinceFlush.isValid() && m_sinceFlush.elapsed() < kFlushMs)) return;
  Q_EMIT steps(m_pending);
  m_pending.clear();
  m_sinceFlush.restart();
}

void TrainingWorker::run(const TrainingRunOptions& options) {
  m_pending.clear();
  m_sinceFlush.start();
  TrainingRunCallbacks cb;
  QElapsedTimer sinceProgress;
  sinceProgress.start();
  cb.dataProgress = [&](const Progress& p) {
    if (sinceProgress.elapsed() >= kFlushMs || (p.total > 0 && p.done >= p.total)) {
      Q_EMIT dataProgress(p);
      sinceProgress.restart();
    }
    return !m_stop.load();
  };
  cb.onStep = [&](const StepMetrics& s) {
    m_pending.push_back(s);
    flush(false);
  };
  cb.onEval = [&](const EvalMetrics& e) {
    flush(true);
    Q_EMIT evaluated(e);
  };
  cb.onNote = [&](const std::string& text) { Q_EMIT note(QString::fromStdString(text)); };
  bool wasPaused = false;
  cb.control = [&] {
    const bool paused = m_paused.load() && !m_stop.load();
    if (paused != wasPaused) {
      flush(true);
      Q_EMIT pausedChanged(paused);
      wasPaused = paused;
    }
    if (m_stop) return RunCommand::Stop;
    if (m_checkpoint.exchange(false)) return RunCommand::SaveCheckpoint;
    return paused ? RunCommand::Pause : RunCommand::Continue;
  };
  // The one place where anything the engine throws becomes a message for the window.
  try {
    const TrainingRunSummary summary = runTraining(options, cb);
    flush(true);
    Q_EMIT finished(summary);
  } catch (const Cancelled&) {
    flush(true);
    Q_EMIT failed(tr("Cancelled before training started; nothing was changed."));
  } catch (const std::bad_alloc&) {
    flush(true);
    Q_EMIT failed(tr("Out of memory. Use a smaller batch, context or model, then start again."));
  } catch (const std::exception& e) {
    flush(true);
    Q_EMIT failed(QString::fromStdString(e.what()));
  }
}

}  // namespace pretrain::ui
