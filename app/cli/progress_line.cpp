#include "cli/progress_line.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "cli/format.h"
#include "util/stop_signals.h"

namespace pretrain::cli {
namespace {

// A terminal's line is redrawn at most ten times a second: more only flickers and takes time from the work.
constexpr std::chrono::milliseconds kTerminalRedraw{100};
// A log (CI, a file) gets a line every five seconds: a pulse to watch without flooding it.
constexpr std::chrono::milliseconds kLogInterval{5000};

}  // namespace

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
  if (p.stage != m_stage) startStage(p, now);
  if (!m_quiet && due(p, now)) {
    m_lastPrint = now;
    m_printedInStage = true;
    print(text(p, now));
  }
  return !stopRequested();
}

void ProgressLine::startStage(const Progress& p, std::chrono::steady_clock::time_point now) {
  finish();
  m_stage = p.stage;
  m_stageStart = now;
  m_stageFirstDone = p.done;
  m_printedInStage = false;
  // A terminal shows the new stage at once; a log only hears of stages that last (quick runs stay quiet).
  m_lastPrint = m_tty ? std::chrono::steady_clock::time_point{} : now;
}

bool ProgressLine::due(const Progress& p, std::chrono::steady_clock::time_point now) const {
  // A log that heard of a stage also hears that it ended.
  const bool closingLine = !m_tty && m_printedInStage && p.total > 0 && p.done >= p.total;
  return now - m_lastPrint >= (m_tty ? kTerminalRedraw : kLogInterval) || closingLine;
}

std::string ProgressLine::text(const Progress& p, std::chrono::steady_clock::time_point now) const {
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
  return line;
}

void ProgressLine::print(const std::string& line) {
  if (m_tty) {
    std::fprintf(stderr, "\r\033[K%s", line.c_str());  // Back to the line's start and clear it.
    m_lineOpen = true;
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  std::fflush(stderr);
}

}  // namespace pretrain::cli
