#pragma once
// A read-only memory map of a whole file: token stores are read this way so that opening a multi-gigabyte
// store costs nothing and pages come in only as batches touch them.

#include <cstddef>
#include <string>

namespace pretrain {

class MappedFile {
 public:
  MappedFile() = default;
  /// Maps `path`; throws IoError when it cannot be opened or mapped. An empty file maps to size 0.
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const unsigned char* data() const { return static_cast<const unsigned char*>(m_data); }
  size_t size() const { return m_size; }

 private:
  void* m_data = nullptr;
  size_t m_size = 0;
};

}  // namespace pretrain
