#pragma once
// How the GUI hears of the engine's progress. Each report crosses to the GUI thread as a queued signal, and
// an engine may report thousands of times a second: the working thread passes on at most ~20 a second,
// always the last of a stage, and the GUI shows them as a share of the whole.

#include <QtCore/QElapsedTimer>

#include "util/progress.h"

namespace pretrain::ui {

/// Milliseconds between two reports that reach the GUI: ~20 a second, as often as a person can follow.
inline constexpr qint64 kReportIntervalMs = 50;

/// Decides, on the working thread, which reports are passed on.
class ProgressThrottle {
 public:
  ProgressThrottle() { m_sinceReport.start(); }
  /// True once kReportIntervalMs have passed since the last report passed on, and for a stage's last
  /// report (done == total), so a bar always ends full.
  bool due(const pretrain::Progress& progress);

 private:
  QElapsedTimer m_sinceReport;
};

/// Progress bars run from 0 to this: a thousandth is finer than a pixel of any bar.
inline constexpr int kProgressRange = 1000;

/// How far `progress` is, from 0 to kProgressRange (0 while its total is unknown): a progress bar's value.
int progressValue(const pretrain::Progress& progress);

}  // namespace pretrain::ui
