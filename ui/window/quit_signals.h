#pragma once
// SIGTERM, SIGHUP and SIGINT (what a logout, a shutdown, `systemctl` or Ctrl-C in the terminal send) as a
// Qt signal on the GUI thread, so that the studio can stop its run with a checkpoint and quit, as Stop and
// `pretrain train` do, instead of dying with the steps since the last save. The handlers
// (util/stop_signals.h) write the signal's number into a pipe, and a QSocketNotifier reads it in the event
// loop. A second signal ends the process at once (the user means it), as the default would have.

#include <QtCore/QObject>

class QSocketNotifier;

namespace pretrain::ui {

class QuitSignals : public QObject {
  Q_OBJECT

 public:
  /// Installs the handlers (one QuitSignals at a time); the destructor puts the defaults back.
  explicit QuitSignals(QObject* parent = nullptr);
  ~QuitSignals() override;

 Q_SIGNALS:
  void received(int signal);

 private:
  int m_pipe[2] = {-1, -1};
  QSocketNotifier* m_notifier = nullptr;
};

}  // namespace pretrain::ui
