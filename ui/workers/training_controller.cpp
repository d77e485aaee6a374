#include "ui/workers/training_controller.h"

namespace pretrain::ui {

TrainingController::TrainingController(QObject* parent) : QObject(parent), m_worker(new TrainingWorker) {
  registerTrainingTypes();
  m_thread.setObjectName("training");
  m_worker->moveToThread(&m_thread);
  connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
  connect(this, &TrainingController::runRequested, m_worker, &TrainingWorker::run, Qt::QueuedConnection);
  connect(m_worker, &TrainingWorker::dataProgress, this, &TrainingController::dataProgress);
  connect(m_worker, &TrainingWorker::steps, this, &TrainingController::steps);
  connect(m_worker, &TrainingWorker::evaluated, this, &TrainingController::evaluated);
  connect(m_worker, &TrainingWorker::note, this, &TrainingController::note);
  connect(m_worker, &TrainingWorker::computeChosen, this, &TrainingController::computeChosen);
  connect(m_worker, &TrainingWorker::probesEvaluated, this, &TrainingController::probesEvaluated);
  connect(m_worker, &TrainingWorker::predictorReady, this, &TrainingController::predictorReady);
  connect(m_worker, &TrainingWorker::pausedChanged, this, [this](bool paused) {
    m_paused = paused;
    Q_EMIT pausedChanged(paused);
  });
  connect(m_worker, &TrainingWorker::finished, this, [this](const TrainingRunSummary& s) {
    setRunning(false);
    Q_EMIT finished(s);
  });
  connect(m_worker, &TrainingWorker::failed, this, [this](const QString& message) {
    setRunning(false);
    Q_EMIT failed(message);
  });
  m_thread.start();
}

TrainingController::~TrainingController() {
  m_worker->requestStop();
  m_thread.quit();  // Handled once the current run returns.
  m_thread.wait();
}

void TrainingController::setRunning(bool running) {
  if (m_running == running) return;
  m_running = running;
  if (!running) m_paused = false;
  Q_EMIT runningChanged(running);
}

void TrainingController::start(const TrainingRunOptions& options) {
  if (m_running) return;
  m_worker->reset();
  setRunning(true);
  Q_EMIT runRequested(options);
}

void TrainingController::setPaused(bool paused) {
  if (m_running) m_worker->requestPause(paused);
}

void TrainingController::saveCheckpoint() {
  if (m_running) m_worker->requestCheckpoint();
}

void TrainingController::setProbes(const std::vector<Probe>& probes) { m_worker->setProbes(probes); }

void TrainingController::stop() {
  if (m_running) m_worker->requestStop();
}

}  // namespace pretrain::ui
