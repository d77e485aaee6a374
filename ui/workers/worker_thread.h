#pragma once
// A thread of its own that runs posted work in order, for engine calls the GUI thread must not wait on
// (the Playground's predictions, loading the timeline's snapshots). Work posted after the owner began to
// destroy it is not run; the destructor waits for the work in progress.

#include <QtCore/QMetaObject>
#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QThread>

#include <utility>

namespace pretrain::ui {

class WorkerThread {
 public:
  explicit WorkerThread(const QString& name) : m_context(new QObject) {
    m_thread.setObjectName(name);
    m_context->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread.start();
  }
  ~WorkerThread() {
    m_thread.quit();
    m_thread.wait();
  }
  WorkerThread(const WorkerThread&) = delete;
  WorkerThread& operator=(const WorkerThread&) = delete;

  /// Runs `work` on the thread, after what was posted before it.
  template <typename Work>
  void post(Work work) {
    QMetaObject::invokeMethod(m_context, std::move(work), Qt::QueuedConnection);
  }

 private:
  QThread m_thread;
  QObject* m_context;  // Lives on m_thread: what posted work runs in.
};

}  // namespace pretrain::ui
