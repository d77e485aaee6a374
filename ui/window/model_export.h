#pragma once
// File ▸ Export model…: asks for a folder and writes the shown run's latest checkpoint there in the
// Hugging Face layout (export/hf_export.h), off the GUI thread with a progress dialog, then says where it
// went and how to load it.

#include <QtCore/QObject>
#include <QtCore/QString>

class QWidget;

namespace pretrain::ui {

class BackgroundTask;

class ModelExport : public QObject {
  Q_OBJECT

 public:
  /// Dialogs open over `window`.
  explicit ModelExport(QWidget* window);

  /// Asks for a folder, then exports `runDir` into it (nothing while an export is running).
  void ask(const QString& runDir);

 Q_SIGNALS:
  void failed(const QString& message);

 private:
  QWidget* m_window;
  BackgroundTask* m_task;
};

}  // namespace pretrain::ui
