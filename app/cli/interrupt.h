#pragma once
// Ctrl-C (SIGINT) and SIGTERM: the first asks long work to stop cleanly at its next check (nothing
// half-written is kept); a second Ctrl-C ends the program at once.

namespace pretrain::cli {

void installInterruptHandler();
bool interruptRequested();

}  // namespace pretrain::cli
