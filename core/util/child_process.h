#pragma once
// Runs a helper program while the caller keeps control: its stderr arrives line by line, and the caller
// can end it at any moment (the only way to cancel work, like SentencePiece training, that has no
// cancellation of its own).

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

namespace pretrain {

struct ChildResult {
  int exitCode = -1;  ///< The program's exit status, or -1 when it ended by a signal.
  int signal = 0;     ///< The signal that ended it, 0 when it exited.
};

/// Starts argv[0] with the arguments that follow, with `stdinFd`, `stdoutFd` and `stderrFd` as its standard
/// streams (-1: /dev/null), in a process group of its own. Throws Error when it cannot be started.
pid_t spawnProcess(const std::vector<std::string>& argv, int stdinFd, int stdoutFd, int stderrFd);

/// How a child ended, from waitpid()'s status: "was ended by signal 11 (Segmentation fault)", "exited with
/// status 1".
std::string describeExit(int status);

/// Runs argv[0] with the arguments that follow; stdout is discarded. `onLine` gets every stderr line;
/// `keepGoing` is asked about five times a second and ends the child (SIGKILL) when it returns false, in
/// which case Cancelled is thrown. Throws Error when the program cannot be started.
ChildResult runChild(const std::vector<std::string>& argv,
                     const std::function<void(const std::string&)>& onLine,
                     const std::function<bool()>& keepGoing);

}  // namespace pretrain
