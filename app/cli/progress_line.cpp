#include "cli/progress_line.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "cli/format.h"
#include "cli/interrupt.h"

namespace pretrain::cli {

ProgressLine::ProgressLine(bool quiet) : m_quiet(quiet), m_tty(::isatty(STDERR_FILENO) == 1) {}

ProgressLine::~ProgressLine() { finish(); }

ProgressFn ProgressLine::callback() {
  return [this](const Progress& p) { return update(p); };
}

void ProgressLine::finish() {
  if (m_lineOpen) std::fputc('\n', stderr);
  m_lineOpen = false;
}

bool ProgressLine::update(const Progress& p) {
  const auto now = std::chrono::steady_clock::now();
  if (p.stage != m_stage) {
    finish();
    m_stage = p.stage;
    m_stageStart = now;
    m_stageFirstDone = p.done;
    m_printedInStage = false;
    // A terminal shows the new stage at once; a log only hears of stages that last (quick runs stay quiet).
    m_lastPrint = m_tty ? std::chrono::steady_clock::time_point{} : now;
  }
  if (m_quiet) return !interruptRequested();
  const auto every = m_tty ? std::chrono::milliseconds(100) : std::chrono::milliseconds(5000);
  const bool closingLine = !m_tty && m_printedInStage && p.total > 0 && p.done >= p.total;
  if (now - m_lastPrint < every && !closingLine) return !interruptRequested();
  m_lastPrint = now;
  m_printedInStage = true;

  const double elapsed = std::chrono::duration<double>(now - m_stageStart).count();
  std::string line = p.stage;
  if (p.total > 0) {
    const double f = double(p.done) / double(p.total);
    line += " " + formatPercent(f, 0);
    if (p.unit == "bytes")
      line += " (" + formatBytes(double(p.done)) + " of " + formatBytes(double(p.total)) + ")";
    else if (!p.unit.empty())
      line += " (" + formatCount(p.done) + "/" + formatCount(p.total) + " " + p.unit + ")";
    line += "  " + formatDuration(elapsed);
    // The pace since this stage began (a resumed run starts part-way), over what is left.
    const double doneHere = double(p.done - std::min(p.done, m_stageFirstDone));
    if (doneHere > 0 && f < 1)
      line += ", ETA " + formatDuration(elapsed * double(p.total - p.done) / doneHere);
  }
  if (!p.detail.empty()) line += "  " + p.detail;
  if (m_tty) {
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    m_lineOpen = true;
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  std::fflush(stderr);
  return !interruptRequested();
}

}  // namespace pretrain::cli
