#include "util/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "util/error.h"

namespace pretrain {

MappedFile::MappedFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw IoError("cannot open " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    throw IoError("cannot stat " + path + ": " + std::strerror(errno));
  }
  m_size = static_cast<size_t>(st.st_size);
  if (m_size > 0) {
    m_data = ::mmap(nullptr, m_size, PROT_READ, MAP_SHARED, fd, 0);
    if (m_data == MAP_FAILED) {
      m_data = nullptr;
      ::close(fd);
      throw IoError("cannot map " + path + ": " + std::strerror(errno));
    }
  }
  ::close(fd);  // The mapping keeps the file alive.
}

MappedFile::~MappedFile() {
  if (m_data) ::munmap(m_data, m_size);
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    if (m_data) ::munmap(m_data, m_size);
    m_data = std::exchange(other.m_data, nullptr);
    m_size = std::exchange(other.m_size, 0);
  }
  return *this;
}

}  // namespace pretrain
