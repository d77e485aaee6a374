#pragma once
// A helper program the caller talks to for as long as it likes: one socket is the helper's stdin and
// stdout; it reports failures through what it writes there, and its stderr is the caller's. When the caller's
// process ends, however it ends (SIGKILL included), the kernel closes the caller's end, the helper's input
// ends, and it exits: a helper never outlives its caller.

#include <sys/types.h>

#include <string>
#include <vector>

#include "util/error.h"

namespace pretrain {

/// The helper ended (crashed, was killed, or exited) while being talked to.
class ChildGone : public Error {
 public:
  using Error::Error;
};

class ChildConnection {
 public:
  /// Starts argv[0] with the arguments that follow. Throws Error when it cannot be started.
  explicit ChildConnection(const std::vector<std::string>& argv);
  /// Closes the connection and waits for the helper to end (ending it after a moment if it does not).
  ~ChildConnection();
  ChildConnection(const ChildConnection&) = delete;
  ChildConnection& operator=(const ChildConnection&) = delete;

  /// Queues bytes for the helper; flush() sends them. Both throw ChildGone.
  void write(const void* data, size_t n);
  void flush();
  /// Reads exactly `n` bytes; throws ChildGone when the helper ends first.
  void read(void* data, size_t n);

  pid_t pid() const { return m_pid; }
  /// How the helper ended (describeExit()), waiting for it; for messages after ChildGone.
  std::string howItEnded();

 private:
  [[noreturn]] void gone();

  pid_t m_pid = -1;
  int m_fd = -1;
  bool m_reaped = false;
  int m_status = 0;
  std::string m_out;
  std::vector<char> m_in;
  size_t m_inBegin = 0, m_inEnd = 0;
};

}  // namespace pretrain
