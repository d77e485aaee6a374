#include "util/stop_signals.h"

#include <unistd.h>
#include <cerrno>
#include <csignal>

namespace pretrain {
namespace {

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
volatile std::sig_atomic_t g_requested = 0;
volatile std::sig_atomic_t g_notifyFd = -1;
struct sigaction g_before[3];  // What each signal did before installStopSignals, to put back.

void onSignal(int sig) {
  if (g_requested) {  // Second time: the user means it.
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  g_requested = 1;
  if (g_notifyFd < 0) return;
  const int saved = errno;  // The interrupted code may be about to read it.
  const char byte = char(sig);
  [[maybe_unused]] const ssize_t written = ::write(g_notifyFd, &byte, 1);  // A full pipe has one already.
  errno = saved;
}

}  // namespace

void installStopSignals(int notifyFd) {
  g_requested = 0;
  g_notifyFd = notifyFd;
  struct sigaction handler = {};
  handler.sa_handler = onSignal;
  sigemptyset(&handler.sa_mask);
  handler.sa_flags = SA_RESTART;
  for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &handler, &g_before[i]);
}

void restoreStopSignals() {
  for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &g_before[i], nullptr);
  g_notifyFd = -1;
}

bool stopRequested() { return g_requested != 0; }

void forgetStopRequest() { g_requested = 0; }

}  // namespace pretrain
