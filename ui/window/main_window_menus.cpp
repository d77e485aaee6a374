// MainWindow's menus and toolbar (File, Run, View, Help), and which of the Run actions are on.
#include <QtGui/QAction>
#include <QtGui/QKeySequence>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QMenuBar>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QStyle>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QToolBar>

#include "ui/pages/data_page.h"
#include "ui/window/main_window.h"
#include "ui/window/model_export.h"
#include "ui/window/recent_menu.h"
#include "ui/workers/training_controller.h"

namespace pretrain::ui {

void MainWindow::createMenus() {
  createFileMenu();
  createViewMenu(createRunMenu());
  createHelpMenu();
}

void MainWindow::createFileMenu() {
  auto* file = menuBar()->addMenu(tr("&File"));
  QAction* openFiles = file->addAction(tr("&Open corpus…"), m_data, &DataPage::openFiles);
  openFiles->setShortcut(QKeySequence::Open);
  file->addAction(tr("Open corpus &folder…"), m_data, &DataPage::openFolder);
  file->addAction(tr("Open &run…"), this, [this] {
    // Checkpoints are safetensors files, read with every offset checked: opening a run executes nothing
    // from it (runs of the earlier format are refused with how to convert them).
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a run folder"), runsFolder());
    if (!dir.isEmpty()) openRun(dir);
  });
  file->addAction(tr("Open se&ttings…"), this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open settings"), QString(),
                                                      tr("Settings (*.toml config.json);;All files (*)"));
    if (!path.isEmpty()) openSettings(path);
  });
  file->addSeparator();
  m_recent = new RecentMenu(tr("Open &recent"), file);
  file->addMenu(m_recent);
  connect(m_recent, &RecentMenu::corpusChosen, this,
          [this](const QString& path) { m_data->setCorpus({path}); });
  connect(m_recent, &RecentMenu::runChosen, this, &MainWindow::openRun);
  QAction* save = file->addAction(tr("&Save checkpoint"), m_controller, &TrainingController::saveCheckpoint);
  save->setShortcut(QKeySequence::Save);
  save->setEnabled(false);
  connect(m_controller, &TrainingController::runningChanged, save, &QAction::setEnabled);
  file->addAction(tr("E&xport model…"), this, [this] {
    if (m_run.shown.isEmpty())
      showError(tr("No model to export: open a run (File ▸ Open run…) or train one first."));
    else
      m_export->ask(m_run.shown);
  });
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);
}

QToolBar* MainWindow::createRunMenu() {
  auto* run = menuBar()->addMenu(tr("&Run"));
  m_startAction = run->addAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("&Start"), this,
                                 &MainWindow::startTraining);
  m_startAction->setShortcut(Qt::Key_F5);
  m_pauseAction = run->addAction(style()->standardIcon(QStyle::SP_MediaPause), tr("&Pause / Resume"), this,
                                 [this] { m_controller->setPaused(!m_controller->isPaused()); });
  m_pauseAction->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_P), QKeySequence(Qt::Key_Space)});
  m_stopAction = run->addAction(style()->standardIcon(QStyle::SP_MediaStop), tr("S&top"), m_controller,
                                &TrainingController::stop);
  run->addSeparator();
  m_evaluateAction = run->addAction(tr("&Evaluate run"), this, &MainWindow::evaluateRun);
  m_evaluateAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
  m_evaluateAction->setToolTip(tr("Validation loss of the shown run's latest checkpoint"));
  m_fineTuneAction = run->addAction(tr("&Fine-tune on another corpus…"), this, [this] {
    if (m_run.shown.isEmpty()) {
      showError(tr("No run to fine-tune: open one (File ▸ Open run…) or train one first."));
      return;
    }
    const QStringList files =
        QFileDialog::getOpenFileNames(this, tr("Corpus to fine-tune %1 on").arg(m_run.shown), QString(),
                                      tr("Text (*.txt *.jsonl);;All files (*)"));
    if (!files.isEmpty()) prepareFineTune(m_run.shown, files);
  });
  m_fineTuneAction->setToolTip(tr("A new run that starts from the shown run's weights and tokenizer"));
  m_twinAction =
      run->addAction(tr("Compare with training from &scratch"), this, &MainWindow::trainScratchTwin);
  m_twinAction->setToolTip(
      tr("Trains the shown fine-tuned run's twin from random weights (same corpus, tokenizer, model, steps "
         "and seed), then races the two to a loss on the Compare page"));
  syncRunActions();
  connect(m_controller, &TrainingController::runningChanged, this, &MainWindow::syncRunActions);
  auto* toolbar = addToolBar(tr("Run"));
  toolbar->setObjectName("runToolbar");
  toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  toolbar->addActions({m_startAction, m_pauseAction, m_stopAction});
  return toolbar;
}

void MainWindow::syncRunActions() {
  const bool running = m_controller->isRunning();
  m_startAction->setEnabled(!running && !m_run.ownedElsewhere);
  m_pauseAction->setEnabled(running);
  m_stopAction->setEnabled(running);  // Only for the studio's own run: another process is not its to stop.
  m_evaluateAction->setEnabled(!running);
  m_fineTuneAction->setEnabled(!running);
  m_twinAction->setEnabled(!running);
}

void MainWindow::createViewMenu(QToolBar* toolbar) {
  auto* view = menuBar()->addMenu(tr("&View"));
  const QStringList pages = {tr("&Data"), tr("&Model"), tr("&Train"), tr("&Playground"), tr("&Compare")};
  for (int i = 0; i < pages.size(); ++i) {
    QAction* a = view->addAction(pages[i], this, [this, i] { m_tabs->setCurrentIndex(i); });
    a->setShortcut(QKeySequence(Qt::ALT | Qt::Key(Qt::Key_1 + i)));
  }
  view->addAction(toolbar->toggleViewAction());
}

void MainWindow::createHelpMenu() {
  auto* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About Pretrain Studio"), this, [this] {
    QMessageBox::about(
        this, tr("About Pretrain Studio"),
        tr("<b>Pretrain Studio</b><p>See how a language model learns: pre-train GPT-style and "
           "BERT-style models on your own text and watch them learn.</p>"
           "<p>Shortcuts: Ctrl+O open corpus · F5 start · Space or Ctrl+P pause/resume · Ctrl+S save "
           "checkpoint · Ctrl+E evaluate run · Alt+1…5 pages · Ctrl+Q quit</p>"));
  });
}

}  // namespace pretrain::ui
