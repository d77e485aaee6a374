#include "ui/workers/progress_report.h"

namespace pretrain::ui {

bool ProgressThrottle::due(const Progress& progress) {
  const bool last = progress.total > 0 && progress.done >= progress.total;
  if (m_sinceReport.elapsed() < kReportIntervalMs && !last) return false;
  m_sinceReport.restart();
  return true;
}

int progressValue(const Progress& progress) {
  return progress.total ? int(kProgressRange * double(progress.done) / double(progress.total)) : 0;
}

}  // namespace pretrain::ui
