#pragma once
// Runs one long engine call (tokenizing a corpus, say) on a thread of its own, with progress arriving on
// the GUI thread as queued signals and a Cancel that the engine sees at its next progress report. The
// call's result comes back as a value in succeeded(): nothing is written from the task's thread into the
// objects of the GUI thread.

#include <QtCore/QObject>
#include <QtCore/QThread>
#include <QtCore/QVariant>

#include <atomic>
#include <functional>

#include "ui/workers/training_types.h"

namespace pretrain::ui {

class BackgroundTask : public QObject {
  Q_OBJECT

 public:
  /// The work: given a progress callback that returns false once cancelled, returns its result (a type
  /// registered with the meta-type system, see training_types.h), or an empty QVariant.
  using Work = std::function<QVariant(const pretrain::ProgressFn&)>;

  explicit BackgroundTask(QObject* parent = nullptr);
  ~BackgroundTask() override;  ///< Cancels and waits for the thread.

  bool isRunning() const { return m_thread != nullptr; }
  /// Runs `work` unless a task is running. Exceptions become failed(message); Cancelled becomes cancelled().
  bool start(Work work);
  void cancel() { m_cancel = true; }

 Q_SIGNALS:
  void progress(const pretrain::Progress& progress);
  void succeeded(const QVariant& result);  ///< What the work returned.
  void failed(const QString& message);
  void cancelled();
  void finished();  ///< After any of the three above, once isRunning() is false again.

 private:
  QThread* m_thread = nullptr;
  std::atomic<bool> m_cancel{false};
};

}  // namespace pretrain::ui
