// MainWindow closing: asked by a person (close), or told by a signal or the session manager (QuitSignals),
// with the run it trains stopped at a checkpoint first.
#include <QtGui/QCloseEvent>
#include <QtGui/QSessionManager>
#include <QtWidgets/QApplication>
#include <QtWidgets/QMessageBox>

#include "ui/pages/train_page.h"
#include "ui/window/main_window.h"
#include "ui/window/quit_signals.h"
#include "ui/window/settings_keys.h"
#include "ui/workers/training_controller.h"

#include <QtCore/QSettings>

namespace pretrain::ui {

void MainWindow::stopAndClose() {
  if (!m_controller->isRunning()) {
    close();
    return;
  }
  m_closeAfterStop = true;  // The window closes when the worker reports that it stopped.
  m_controller->stop();
  m_train->showStatus(tr("Stopping: saving a checkpoint, then closing."));
}

void MainWindow::handleQuitRequests() {
  auto* quitSignals = new QuitSignals(this);
  connect(quitSignals, &QuitSignals::received, this, &MainWindow::stopAndClose);
  // The session manager asks to save before a logout (which may still be cancelled): a checkpoint, and
  // training goes on; if the session ends, quitting stops the run with one more (~TrainingController).
  connect(qApp, &QGuiApplication::commitDataRequest, this, [this](QSessionManager&) {
    if (m_controller->isRunning()) m_controller->saveCheckpoint();
  });
}

void MainWindow::closeEvent(QCloseEvent* event) {
  QSettings().setValue(settings::kWindowGeometry, saveGeometry());
  if (!m_controller->isRunning()) {
    event->accept();
    return;
  }
  event->ignore();
  if (m_closeAfterStop) return;  // Stopping already; the window closes once the checkpoint is written.
  const auto answer =
      QMessageBox::question(this, tr("Training is running"),
                            tr("Stop training and quit? A checkpoint is saved so the run can be continued."),
                            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
  if (answer == QMessageBox::Yes) stopAndClose();  // Closes at once if the run ended meanwhile.
}

}  // namespace pretrain::ui
