#pragma once
// The progress line of long `pretrain` commands, on stderr: rewritten in place with an ETA on a terminal,
// a plain line every five seconds otherwise (logs, CI), so short runs print none. Ctrl-C asks the work to
// stop (see util/stop_signals.h).

#include <chrono>
#include <cstdint>
#include <string>

#include "util/progress.h"

namespace pretrain::cli {

class ProgressLine {
 public:
  /// `quiet`: print nothing (the --json mode keeps stderr for errors only).
  explicit ProgressLine(bool quiet = false);
  ~ProgressLine();
  /// The callback handed to the engine; returns false once the user pressed Ctrl-C.
  ProgressFn callback();
  /// Ends the current line on a terminal.
  void finish();

 private:
  bool update(const Progress& p);
  void startStage(const Progress& p, std::chrono::steady_clock::time_point now);
  bool due(const Progress& p, std::chrono::steady_clock::time_point now) const;
  std::string text(const Progress& p, std::chrono::steady_clock::time_point now) const;
  void print(const std::string& line);

  bool m_quiet, m_tty;
  std::string m_stage;
  std::chrono::steady_clock::time_point m_stageStart, m_lastPrint;
  bool m_lineOpen = false;
  bool m_printedInStage = false;
  uint64_t m_stageFirstDone = 0;
};

}  // namespace pretrain::cli
