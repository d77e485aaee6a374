#include "ui/workers/background_task.h"

#include "ui/workers/progress_report.h"
#include "util/error.h"

namespace pretrain::ui {

BackgroundTask::BackgroundTask(QObject* parent) : QObject(parent) { registerTrainingTypes(); }

BackgroundTask::~BackgroundTask() {
  if (!m_thread) return;
  m_cancel = true;
  m_thread->wait();
  delete m_thread;
}

bool BackgroundTask::start(Work work) {
  if (m_thread) return false;
  m_cancel = false;
  m_thread = QThread::create([this, work = std::move(work)] {
    ProgressThrottle throttle;
    const ProgressFn report = [this, &throttle](const Progress& p) {
      if (throttle.due(p)) Q_EMIT progress(p);
      return !m_cancel.load();
    };
    // The one catch-all of this thread: whatever the engine throws becomes a message.
    try {
      Q_EMIT succeeded(work(report));
    } catch (const Cancelled&) {
      Q_EMIT cancelled();
    } catch (...) {
      Q_EMIT failed(QString::fromStdString(currentErrorMessage()));
    }
  });
  connect(m_thread, &QThread::finished, this, [this] {
    m_thread->deleteLater();
    m_thread = nullptr;
    Q_EMIT finished();
  });
  m_thread->start();
  return true;
}

}  // namespace pretrain::ui
