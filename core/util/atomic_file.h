#pragma once
// Writing files so that a crash or a full disk never leaves something that looks valid but is not:
// everything is written under a temporary name in the same folder, flushed, then renamed into place.

#include <string>
#include <string_view>

namespace pretrain {

/// Replaces `path` with `contents` atomically. Throws IoError (the old file, if any, is untouched).
void writeFileAtomic(const std::string& path, std::string_view contents);

/// A new file beside `path`, to write `path` through: a name nobody else uses (process id and a counter),
/// created exclusively and never through a symlink planted under that name. Returns its descriptor and
/// sets `tempPath`; throws IoError.
int createTempBeside(const std::string& path, std::string& tempPath);

/// Writes all of `data` to `fd` (retrying short writes); false with errno set when it cannot.
bool writeAll(int fd, const void* data, size_t size);

/// Appends `text` to `path` (creating it) in one write, never through a symlink planted under that name;
/// throws IoError. For logs that grow line by line, where a torn last line is skipped by their readers.
void appendToFile(const std::string& path, std::string_view text);

/// Renames `from` to `to` and flushes the folder entry; throws IoError.
void renameDurably(const std::string& from, const std::string& to);

/// Flushes a file's data to disk; throws IoError naming the file.
void syncFile(const std::string& path);

/// A folder that is deleted with everything in it when the guard goes out of scope, unless released:
/// the scratch space of work that is published by a rename only when it is complete.
class ScratchDir {
 public:
  explicit ScratchDir(std::string path);  ///< Creates the folder (removing a leftover of the same name).
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return m_path; }
  void release() { m_released = true; }

 private:
  std::string m_path;
  bool m_released = false;
};

/// Puts the complete folder `staged` in place of `target` (which may exist). A crash in between leaves
/// `target` either old, or absent, never half-written.
void replaceDir(const std::string& staged, const std::string& target);

}  // namespace pretrain
