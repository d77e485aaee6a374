#include "cli/interrupt.h"

#include <csignal>

namespace pretrain::cli {
namespace {

volatile std::sig_atomic_t g_requested = 0;

void onSignal(int sig) {
  if (g_requested) {  // Second time: the user means it.
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  g_requested = 1;
}

}  // namespace

void installInterruptHandler() {
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  std::signal(SIGHUP, onSignal);  // The terminal closed (an ssh session dropped): stop with a checkpoint too.
}

bool interruptRequested() { return g_requested != 0; }

}  // namespace pretrain::cli
