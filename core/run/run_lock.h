#pragma once
// One writer per run folder. The process training a run (the studio's worker, `pretrain train`, rank 0 of
// a group) holds a lock on RUN/writer.lock for as long as it writes; a second one is refused, and
// the studio tells from the lock that a run it shows belongs to another process. The lock is an
// open-file-description lock (fcntl F_OFD_SETLK): the kernel drops it when its process ends, however it
// ends (kill -9 included), it can be tested without being taken (so looking never blocks a writer), and
// it reaches other machines over NFS. The file also names its holder (host, process id, start), for the
// messages. No LibTorch here.

#include <cstdint>
#include <optional>
#include <string>

namespace pretrain {

/// The process that holds a run's lock.
struct RunWriter {
  std::string host;
  int64_t pid = 0;
  std::string since;             ///< When it took the lock (local time, "2026-11-27 08:01:02").
  std::string describe() const;  ///< "process 1234 on host, since 2026-11-27 08:01:02"
};

class RunWriterLock {
 public:
  /// Takes `runDir`'s lock, creating the folder if needed. Throws InputError naming the holder when another
  /// process holds it, IoError when the folder cannot be written.
  explicit RunWriterLock(const std::string& runDir);
  ~RunWriterLock();  ///< Lets go.
  RunWriterLock(const RunWriterLock&) = delete;
  RunWriterLock& operator=(const RunWriterLock&) = delete;

 private:
  int m_fd = -1;
};

/// The process writing `runDir` now, if any (without taking or waiting for the lock).
std::optional<RunWriter> runWriter(const std::string& runDir);

}  // namespace pretrain
