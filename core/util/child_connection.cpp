#include "util/child_connection.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "util/child_process.h"

namespace pretrain {
namespace {

// Requests and replies are read through a buffer of this size: few system calls for a batch of texts.
constexpr size_t kReadBuffer = size_t(1) << 16;
// How long a closed helper may take to exit before it is killed.
constexpr std::chrono::milliseconds kExitGrace{2000};

}  // namespace

ChildConnection::ChildConnection(const std::vector<std::string>& argv) : m_in(kReadBuffer) {
  int sv[2];
  // A socket rather than pipes: send(MSG_NOSIGNAL) reports a dead helper as an error instead of a SIGPIPE
  // that would end the caller. Close-on-exec, so no other child inherits the caller's end and keeps the
  // helper's input open after the caller is gone.
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    throw Error(std::string("cannot create a socket for ") + argv[0] + ": " + std::strerror(errno));
  try {
    // Its stderr is ours: it writes nothing there unless it crashes or a sanitizer reports.
    m_pid = spawnProcess(argv, sv[1], sv[1], STDERR_FILENO);
  } catch (...) {
    ::close(sv[0]);
    ::close(sv[1]);
    throw;
  }
  ::close(sv[1]);
  m_fd = sv[0];
}

ChildConnection::~ChildConnection() {
  ::close(m_fd);
  if (m_reaped) return;
  const auto deadline = std::chrono::steady_clock::now() + kExitGrace;
  for (;;) {
    const pid_t r = ::waitpid(m_pid, &m_status, WNOHANG);
    if (r < 0 && errno == EINTR) continue;
    if (r != 0) return;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(m_pid, SIGKILL);
      ::waitpid(m_pid, &m_status, 0);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void ChildConnection::write(const void* data, size_t n) { m_out.append(static_cast<const char*>(data), n); }

void ChildConnection::flush() {
  size_t sent = 0;
  while (sent < m_out.size()) {
    const ssize_t n = ::send(m_fd, m_out.data() + sent, m_out.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) gone();
    sent += size_t(n);
  }
  m_out.clear();
}

void ChildConnection::read(void* data, size_t n) {
  char* to = static_cast<char*>(data);
  while (n > 0) {
    if (m_inBegin == m_inEnd) {
      const ssize_t got = ::recv(m_fd, m_in.data(), m_in.size(), 0);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) gone();
      m_inBegin = 0;
      m_inEnd = size_t(got);
    }
    const size_t take = std::min(n, m_inEnd - m_inBegin);
    std::memcpy(to, m_in.data() + m_inBegin, take);
    m_inBegin += take;
    to += take;
    n -= take;
  }
}

std::string ChildConnection::howItEnded() {
  if (!m_reaped) {
    while (::waitpid(m_pid, &m_status, 0) < 0 && errno == EINTR) {
    }
    m_reaped = true;
  }
  return describeExit(m_status);
}

void ChildConnection::gone() {
  // The connection failed: end the helper if it has not ended (a failure other than its exit), then say how.
  ::kill(m_pid, SIGKILL);
  throw ChildGone("the helper " + std::to_string(m_pid) + " " + howItEnded());
}

}  // namespace pretrain
