#pragma once
// Runs one long engine call (tokenizing a corpus, say) on a thread of its own, with progress arriving on
// the GUI thread as queued signals and a Cancel that the engine sees at its next progress report.

#include <QtCore/QObject>
#include <QtCore/QThread>

#include <atomic>
#include <functional>

#include "ui/workers/training_types.h"

namespace pretrain::ui {

class BackgroundTask : public QObject {
  Q_OBJECT

 public:
  explicit BackgroundTask(QObject* parent = nullptr);
  ~BackgroundTask() override;  ///< Cancels and waits for the thread.

  bool isRunning() const { return m_thread != nullptr; }
  /// Runs `work` (given a progress callback that returns false once cancelled) unless a task is running.
  /// Exceptions become failed(message); Cancelled becomes cancelled().
  bool start(std::function<void(const pretrain::ProgressFn&)> work);
  void cancel() { m_cancel = true; }

 Q_SIGNALS:
  void progress(const pretrain::Progress& progress);
  void succeeded();
  void failed(const QString& message);
  void cancelled();
  void finished();  ///< After any of the three above, once isRunning() is false again.

 private:
  QThread* m_thread = nullptr;
  std::atomic<bool> m_cancel{false};
};

}  // namespace pretrain::ui
