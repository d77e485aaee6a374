#include "util/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "util/error.h"

namespace fs = std::filesystem;

namespace pretrain {
namespace {

void syncDirOf(const std::string& path) {
  const fs::path parent = fs::path(path).parent_path();
  const int fd = ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;  // Best effort: the rename itself already happened.
  ::fsync(fd);
  ::close(fd);
}

std::string uniqueSibling(const std::string& path, const char* tag) {
  return path + "." + tag + "-" + std::to_string(::getpid());
}

}  // namespace

void syncFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw IoError("cannot open " + path + " to flush it: " + systemErrorText());
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw IoError("cannot flush " + path + " to disk: " + systemErrorText());
}

void renameDurably(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0)
    throw IoError("cannot rename " + from + " to " + to + ": " + systemErrorText());
  syncDirOf(to);
}

void writeFileAtomic(const std::string& path, std::string_view contents) {
  const std::string tmp = uniqueSibling(path, "tmp");
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw IoError("cannot create " + tmp + ": " + systemErrorText());
  size_t off = 0;
  while (off < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + off, contents.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string why = systemErrorText();
      ::close(fd);
      ::unlink(tmp.c_str());
      throw IoError("cannot write " + path + ": " + why);
    }
    off += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  const std::string why = systemErrorText();
  ::close(fd);
  if (!synced) {
    ::unlink(tmp.c_str());
    throw IoError("cannot flush " + path + ": " + why);
  }
  renameDurably(tmp, path);
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
