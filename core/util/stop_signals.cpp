#include "util/stop_signals.h"

#include <unistd.h>
#include <csignal>

namespace pretrain {
namespace {

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
volatile std::sig_atomic_t g_requested = 0;
volatile std::sig_atomic_t g_notifyFd = -1;

void onSignal(int sig) {
  if (g_requested) {  // Second time: the user means it.
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  g_requested = 1;
  if (g_notifyFd < 0) return;
  const char byte = char(sig);
  [[maybe_unused]] const ssize_t written = ::write(g_notifyFd, &byte, 1);  // A full pipe has one already.
}

}  // namespace

void installStopSignals(int notifyFd) {
  g_requested = 0;
  g_notifyFd = notifyFd;
  for (const int sig : kSignals) std::signal(sig, onSignal);
}

void restoreStopSignals() {
  for (const int sig : kSignals) std::signal(sig, SIG_DFL);
  g_notifyFd = -1;
}

bool stopRequested() { return g_requested != 0; }

}  // namespace pretrain
