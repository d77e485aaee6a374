#include "ui/window/quit_signals.h"

#include <QtCore/QSocketNotifier>

#include <fcntl.h>
#include <unistd.h>

#include "util/stop_signals.h"

namespace pretrain::ui {

QuitSignals::QuitSignals(QObject* parent) : QObject(parent) {
  if (::pipe2(m_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return;  // No pipe: the default actions stay.
  m_notifier = new QSocketNotifier(m_pipe[0], QSocketNotifier::Read, this);
  connect(m_notifier, &QSocketNotifier::activated, this, [this] {
    char byte = 0;
    while (::read(m_pipe[0], &byte, 1) == 1) Q_EMIT received(int(byte));
  });
  installStopSignals(m_pipe[1]);
}

QuitSignals::~QuitSignals() {
  if (!m_notifier) return;
  restoreStopSignals();
  ::close(m_pipe[0]);
  ::close(m_pipe[1]);
}

}  // namespace pretrain::ui
