#pragma once
// SIGINT (Ctrl-C), SIGTERM (a logout, a shutdown, `systemctl stop`) and SIGHUP (the terminal went away):
// the first asks long work to stop cleanly at its next check (training saves a checkpoint; nothing
// half-written is kept); a second ends the program at once, as the default action would have.

namespace pretrain {

/// Installs the handlers (again: forgets an earlier request). With `notifyFd`, the handler also writes the
/// signal's number as one byte there (a pipe an event loop watches: a handler may do little else).
void installStopSignals(int notifyFd = -1);
/// Puts back what the signals did before installStopSignals().
void restoreStopSignals();
/// Whether a stop was asked for since installStopSignals() (or forgetStopRequest()).
bool stopRequested();
/// A stop asked for could not be done (its checkpoint failed): the next signal asks again, rather than
/// ending the program at once.
void forgetStopRequest();

}  // namespace pretrain
