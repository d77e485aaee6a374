#include "ui/window/model_export.h"

#include <QtCore/QFileInfo>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QMessageBox>

#include "export/hf_export.h"
#include "ui/window/task_progress_dialog.h"
#include "ui/workers/background_task.h"

namespace pretrain::ui {

ModelExport::ModelExport(QWidget* window)
    : QObject(window), m_window(window), m_task(new BackgroundTask(this)) {
  connect(m_task, &BackgroundTask::failed, this, &ModelExport::failed);
  connect(m_task, &BackgroundTask::succeeded, this, [this](const QVariant& said) {
    QMessageBox::information(m_window, tr("Export model"), said.toString());
  });
}

void ModelExport::ask(const QString& runDir) {
  if (m_task->isRunning()) return;
  const QString out = QFileDialog::getExistingDirectory(
      m_window, tr("Export model for Hugging Face transformers: choose a new or empty folder"),
      QFileInfo(runDir).absolutePath());
  if (out.isEmpty()) return;
  showTaskProgress(m_task, m_window, tr("Export model"), tr("Exporting %1 to %2…").arg(runDir, out));
  const std::string run = runDir.toStdString(), dir = out.toStdString();
  m_task->start([run, dir](const ProgressFn& progress) {
    const HfExportResult r = exportHuggingFace(run, dir, -1, progress);
    const bool causal = r.architecture == "GPT2LMHeadModel";
    return QVariant(tr("Exported step %1 as %2 to\n%3\n\nLoad it in Python with\n"
                       "%4.from_pretrained(\"%3\")\nand AutoTokenizer.from_pretrained(\"%3\").")
                        .arg(r.step)
                        .arg(QString::fromStdString(r.architecture), QString::fromStdString(r.outDir),
                             causal ? "AutoModelForCausalLM" : "AutoModelForMaskedLM"));
  });
}

}  // namespace pretrain::ui
