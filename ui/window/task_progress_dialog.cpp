#include "ui/window/task_progress_dialog.h"

#include <QtWidgets/QProgressDialog>

#include "ui/workers/background_task.h"
#include "ui/workers/progress_report.h"

namespace pretrain::ui {
namespace {
constexpr int kDialogDelayMs = 300;  // A quick task shows no dialog at all.
}  // namespace

void showTaskProgress(BackgroundTask* task, QWidget* window, const QString& title, const QString& label) {
  auto* dialog = new QProgressDialog(label, QObject::tr("Cancel"), 0, kProgressRange, window);
  dialog->setWindowTitle(title);
  dialog->setMinimumDuration(kDialogDelayMs);
  QObject::connect(dialog, &QProgressDialog::canceled, task, &BackgroundTask::cancel);
  QObject::connect(task, &BackgroundTask::progress, dialog, [dialog](const Progress& p) {
    if (p.total) dialog->setValue(progressValue(p));
  });
  QObject::connect(task, &BackgroundTask::finished, dialog, &QObject::deleteLater);
}

}  // namespace pretrain::ui
