#include "util/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "util/error.h"

namespace fs = std::filesystem;

namespace pretrain {
namespace {

// The folder entry of a rename is only durable once the folder itself is flushed.
void syncDirOf(const std::string& path) {
  const fs::path parent = fs::path(path).parent_path();
  const std::string dir = parent.empty() ? "." : parent.string();
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw IoError("cannot open folder " + dir + " to flush it: " + systemErrorText());
  const int rc = ::fsync(fd);
  const std::string why = systemErrorText();
  ::close(fd);
  // Some file systems cannot flush a folder (EINVAL): nothing more can be done there.
  if (rc != 0 && errno != EINVAL) throw IoError("cannot flush folder " + dir + " to disk: " + why);
}

std::string uniqueSibling(const std::string& path, const char* tag) {
  return path + "." + tag + "-" + std::to_string(::getpid());
}

}  // namespace

int createTempBeside(const std::string& path, std::string& tempPath) {
  static std::atomic<unsigned> counter{0};
  tempPath = uniqueSibling(path, "tmp") + "-" + std::to_string(counter++);
  const int fd = ::open(tempPath.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) throw IoError("cannot create " + tempPath + ": " + systemErrorText());
  return fd;
}

bool writeAll(int fd, const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      return false;
    }
    p += n;
    size -= size_t(n);
  }
  return true;
}

void appendToFile(const std::string& path, std::string_view text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) throw IoError("cannot append to " + path + ": " + systemErrorText());
  const bool written = writeAll(fd, text.data(), text.size());
  const std::string why = systemErrorText();
  const bool closed = ::close(fd) == 0;
  if (!written || !closed)
    throw IoError("cannot append to " + path + ": " + (written ? systemErrorText() : why));
}

void syncFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError("cannot open " + path + " to flush it: " + systemErrorText());
  const int rc = ::fsync(fd);
  const std::string why = systemErrorText();
  ::close(fd);
  if (rc != 0) throw IoError("cannot flush " + path + " to disk: " + why);
}

void renameDurably(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0)
    throw IoError("cannot rename " + from + " to " + to + ": " + systemErrorText());
  syncDirOf(to);
}

void writeFileAtomic(const std::string& path, std::string_view contents) {
  std::string tmp;
  const int fd = createTempBeside(path, tmp);
  const bool written = writeAll(fd, contents.data(), contents.size()) && ::fsync(fd) == 0;
  const std::string why = systemErrorText();
  const bool closed = ::close(fd) == 0;
  if (!written || !closed) {
    ::unlink(tmp.c_str());
    throw IoError("cannot write " + path + ": " + (written ? systemErrorText() : why));
  }
  try {
    renameDurably(tmp, path);
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
}

ScratchDir::ScratchDir(std::string path) : m_path(std::move(path)) {
  std::error_code ec;
  fs::remove_all(m_path, ec);
  if (!fs::create_directories(m_path, ec) && ec)
    throw IoError("cannot create folder " + m_path + ": " + ec.message());
}

ScratchDir::~ScratchDir() {
  if (m_released) return;
  std::error_code ec;
  fs::remove_all(m_path, ec);
}

void replaceDir(const std::string& staged, const std::string& target) {
  std::error_code ec;
  if (!fs::exists(target, ec)) {
    renameDurably(staged, target);
    return;
  }
  const std::string old = uniqueSibling(target, "old");
  fs::remove_all(old, ec);
  renameDurably(target, old);
  renameDurably(staged, target);
  fs::remove_all(old, ec);
}

}  // namespace pretrain
