#include "run/run_follower.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/probe_json.h"
#include "run/run_folder.h"

namespace pretrain {
namespace {

// The complete lines appended to a file since the last read. The writer appends, or replaces the file
// whole (atomically, to cut its history): a new inode, or a shorter file, means reading from the start.
// Checked on the descriptor that is read, so a replacement between the check and the read cannot slip by.
class LineTail {
 public:
  explicit LineTail(std::string path) : m_path(std::move(path)) {}

  void rewind() { m_offset = 0; }

  /// The new lines; `replaced` is set when the file is no longer the one read so far (then these are its
  /// lines from the start).
  std::vector<std::string> newLines(bool& replaced) {
    std::vector<std::string> lines;
    const int fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0) {
      if (fd >= 0) ::close(fd);
      replaced = m_offset > 0;  // Gone: what was read is no longer there.
      m_offset = 0;
      return lines;
    }
    replaced = m_offset > 0 && (st.st_ino != m_inode || uint64_t(st.st_size) < m_offset);
    if (replaced) m_offset = 0;
    m_inode = st.st_ino;
    std::string text(uint64_t(st.st_size) > m_offset ? size_t(uint64_t(st.st_size) - m_offset) : 0, '\0');
    const ssize_t got = text.empty() ? 0 : ::pread(fd, text.data(), text.size(), off_t(m_offset));
    ::close(fd);
    text.resize(got > 0 ? size_t(got) : 0);
    size_t start = 0;
    // A line without its newline is still being written: it is read next time, whole.
    for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
      lines.push_back(text.substr(start, end - start));
    m_offset += start;
    return lines;
  }

 private:
  std::string m_path;
  uint64_t m_offset = 0;
  ino_t m_inode = 0;
};

// A file's identity and age: it changed when either did.
struct FileStamp {
  ino_t inode = 0;
  int64_t size = -1, modifiedNs = 0;
  static FileStamp of(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {};
    return {st.st_ino, int64_t(st.st_size), int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
  }
  bool operator!=(const FileStamp& o) const {
    return inode != o.inode || size != o.size || modifiedNs != o.modifiedNs;
  }
};

}  // namespace

struct RunFollower::Impl {
  explicit Impl(std::string dir)
      : run(std::move(dir)), metrics(run.metricsPath()), probeResults(run.probeResultsPath()) {}
  RunFolder run;
  LineTail metrics, probeResults;
  bool polled = false;
  FileStamp config, probes;
  TrainConfig train;
  std::string checkpoint;
};

RunFollower::RunFollower(std::string runDir) : d(std::make_unique<Impl>(std::move(runDir))) {}
RunFollower::~RunFollower() = default;

const std::string& RunFollower::dir() const { return d->run.dir(); }

RunUpdate RunFollower::poll() {
  RunUpdate u;
  const FileStamp config = FileStamp::of(d->run.configPath());
  if (!d->polled || config != d->config) {  // Resuming with a new length rewrites it.
    d->train = d->run.readConfig().train;
    d->config = config;
  }
  u.train = d->train;
  // The writer cuts both histories together; whichever was cut, both are read again from the start.
  std::vector<std::string> metricLines, probeLines;
  u.fromStart = !d->polled;
  for (int pass = 0; pass < 2; ++pass) {
    if (u.fromStart) {
      d->metrics.rewind();
      d->probeResults.rewind();
    }
    bool metricsReplaced = false, probesReplaced = false;
    metricLines = d->metrics.newLines(metricsReplaced);
    probeLines = d->probeResults.newLines(probesReplaced);
    if (u.fromStart || (!metricsReplaced && !probesReplaced)) break;
    u.fromStart = true;
  }
  for (const std::string& line : metricLines)
    if (!parseMetricsLine(line, u.steps, u.evals)) ++u.damagedLines;
  ProbeResult r;
  for (const std::string& line : probeLines) {
    if (probeResultFromJson(line, r))
      u.probeResults.push_back(r);
    else
      ++u.damagedLines;
  }
  const FileStamp probes = FileStamp::of(d->run.probesPath());
  if (!d->polled || probes != d->probes) {
    u.probes = d->run.readProbes();
    d->probes = probes;
  }
  const std::string checkpoint = d->run.latestCheckpoint();
  if (checkpoint != d->checkpoint) u.newCheckpoint = d->checkpoint = checkpoint;
  u.writer = runWriter(d->run.dir());
  d->polled = true;
  return u;
}

}  // namespace pretrain
