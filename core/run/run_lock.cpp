#include "run/run_lock.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "util/error.h"

namespace fs = std::filesystem;

namespace pretrain {
namespace {

std::string lockPath(const std::string& runDir) { return runDir + "/writer.lock"; }

// A lock of `type` over the whole file.
struct flock wholeFile(short type) {
  struct flock fl {};
  fl.l_type = type;
  fl.l_whence = SEEK_SET;
  return fl;
}

std::string hostName() {
  char name[256] = {};
  return gethostname(name, sizeof name - 1) == 0 ? name : "this machine";
}

std::string now() {
  const std::time_t t = std::time(nullptr);
  std::tm local{};
  localtime_r(&t, &local);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &local);
  return text;
}

// What the holder wrote into the file; fields it could not write stay empty.
RunWriter readHolder(int fd) {
  std::string text(4096, '\0');
  const ssize_t n = pread(fd, text.data(), text.size(), 0);
  text.resize(n > 0 ? size_t(n) : 0);
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  RunWriter w;
  if (!j.is_object()) return w;
  // Only words for messages: a field of another type (a damaged file) is left empty, never thrown.
  const auto text_ = [&j](const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  w.host = text_("host");
  w.since = text_("since");
  const auto pid = j.find("pid");
  if (pid != j.end() && pid->is_number_integer()) w.pid = pid->get<int64_t>();
  return w;
}

}  // namespace

std::string RunWriter::describe() const {
  std::string s = pid > 0 ? "process " + std::to_string(pid) : "another process";
  if (!host.empty()) s += " on " + host;
  if (!since.empty()) s += ", since " + since;
  return s;
}

RunWriterLock::RunWriterLock(const std::string& runDir) {
  std::error_code ec;
  fs::create_directories(runDir, ec);
  const std::string path = lockPath(runDir);
  m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (m_fd < 0) throw IoError("cannot create " + path + ": " + systemErrorText());
  struct flock fl = wholeFile(F_WRLCK);
  if (fcntl(m_fd, F_OFD_SETLK, &fl) != 0) {
    const int error = errno;
    const RunWriter holder = readHolder(m_fd);
    ::close(m_fd);
    if (error == EAGAIN || error == EACCES)
      throw InputError(runDir + " is being trained by " + holder.describe() +
                       "; wait for it to end, or stop it there");
    errno = error;
    throw IoError("cannot lock " + path + ": " + systemErrorText());
  }
  // Rewritten in place, not renamed: the lock belongs to this file. It only holds words for messages, so
  // a failed write loses nothing.
  // Replacing what is not UTF-8 (a host name can be anything): dump() would throw over it.
  const std::string holder =
      nlohmann::json{{"host", hostName()}, {"pid", int64_t(getpid())}, {"since", now()}}.dump(
          -1, ' ', false, nlohmann::json::error_handler_t::replace) +
      "\n";
  if (ftruncate(m_fd, 0) == 0) (void)!pwrite(m_fd, holder.data(), holder.size(), 0);
}

RunWriterLock::~RunWriterLock() {
  if (m_fd >= 0) ::close(m_fd);  // Closing the only descriptor of the description lets go of the lock.
}

std::optional<RunWriter> runWriter(const std::string& runDir) {
  const int fd = ::open(lockPath(runDir).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct flock fl = wholeFile(F_WRLCK);
  std::optional<RunWriter> writer;
  if (fcntl(fd, F_OFD_GETLK, &fl) == 0 && fl.l_type != F_UNLCK) writer = readHolder(fd);
  ::close(fd);
  return writer;
}

}  // namespace pretrain
