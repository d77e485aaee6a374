#pragma once
// Ctrl-C (SIGINT), SIGTERM and SIGHUP (the terminal went away): the first asks long work to stop cleanly at
// its next check (training saves a checkpoint; nothing half-written is kept); a second ends the program.

namespace pretrain::cli {

void installInterruptHandler();
bool interruptRequested();

}  // namespace pretrain::cli
