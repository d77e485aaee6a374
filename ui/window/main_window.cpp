#include "ui/window/main_window.h"

#include <QtCore/QDir>
#include <QtCore/QSettings>
#include <QtCore/QStandardPaths>
#include <QtWidgets/QApplication>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QLabel>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QStatusBar>
#include <QtWidgets/QTabWidget>

#include <ctime>

#include "run/open_run.h"
#include "run/run_folder.h"
#include "run/run_names.h"
#include "run/training_run.h"
#include "ui/compare/compare_page.h"
#include "ui/pages/data_page.h"
#include "ui/pages/model_page.h"
#include "ui/pages/train_page.h"
#include "ui/playground/playground_page.h"
#include "ui/plots/loss_plot.h"
#include "ui/plots/probe_plot.h"
#include "ui/window/followed_run.h"
#include "ui/window/model_export.h"
#include "ui/window/recent_menu.h"
#include "ui/window/run_evaluation.h"
#include "ui/window/settings_keys.h"
#include "ui/workers/background_task.h"
#include "ui/workers/progress_report.h"
#include "ui/workers/training_controller.h"
#include "util/error.h"
#include "util/stop_signals.h"

namespace pretrain::ui {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      m_controller(new TrainingController(this)),
      m_tabs(new QTabWidget),
      m_data(new DataPage),
      m_model(new ModelPage),
      m_train(new TrainPage),
      m_playground(new PlaygroundPage),
      m_compare(new ComparePage),
      m_statusRun(new QLabel),
      m_evaluation(new RunEvaluation(this)),
      m_export(new ModelExport(this)),
      m_modelLoader(new BackgroundTask(this)),
      m_followed(new FollowedRun(this)) {
  setWindowTitle(tr("Pretrain Studio"));
  m_tabs->addTab(m_data, tr("1 · Data"));
  m_tabs->addTab(m_model, tr("2 · Model"));
  m_tabs->addTab(m_train, tr("3 · Train"));
  m_tabs->addTab(m_playground, tr("4 · Playground"));
  m_tabs->addTab(m_compare, tr("5 · Compare"));
  setCentralWidget(m_tabs);
  statusBar()->addPermanentWidget(m_statusRun);
  createMenus();
  wireTrainPage();
  wireController();
  wirePlayground();
  wireBackgroundTasks();
  wireFollowedRun();
  restoreSettings();
}

MainWindow::~MainWindow() = default;

QString MainWindow::runsFolder() {
  const QString chosen = QSettings().value(settings::kRunsFolder).toString();
  return chosen.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/runs"
                          : chosen;
}

void MainWindow::wireTrainPage() {
  connect(m_train, &TrainPage::startRequested, this, &MainWindow::startTraining);
  connect(m_train, &TrainPage::copyCommandRequested, this, &MainWindow::copyCommand);
  connect(m_train, &TrainPage::saveSettingsRequested, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save the settings"), "run.toml",
                                                      tr("Settings for pretrain train --config (*.toml)"));
    if (!path.isEmpty()) saveSettings(path);
  });
  connect(m_train, &TrainPage::pauseToggled, m_controller, &TrainingController::setPaused);
  connect(m_train, &TrainPage::stopRequested, m_controller, &TrainingController::stop);
  connect(m_train, &TrainPage::batchChanged, m_model, &ModelPage::setBatchForEstimate);
  connect(m_data, &DataPage::corpusChanged, this, [this] { m_run.toContinue.clear(); });  // A new corpus: a new run.
}

void MainWindow::wireController() {
  connect(m_controller, &TrainingController::runningChanged, m_train, &TrainPage::setRunning);
  connect(m_controller, &TrainingController::pausedChanged, m_train, &TrainPage::setPaused);
  connect(m_controller, &TrainingController::steps, m_train, &TrainPage::showSteps);
  connect(m_controller, &TrainingController::evaluated, m_train, &TrainPage::showEval);
  connect(m_controller, &TrainingController::probesEvaluated, m_train, &TrainPage::showProbeResults);
  connect(m_controller, &TrainingController::steps, this, [this](const QVector<StepMetrics>& rows) {
    if (!rows.isEmpty()) showLatestStep(rows.back());
  });
  connect(m_controller, &TrainingController::dataProgress, m_train, &TrainPage::showDataProgress);
  connect(m_controller, &TrainingController::finished, m_train, &TrainPage::showFinished);
  connect(m_controller, &TrainingController::computeChosen, m_model, &ModelPage::showComputeInUse);
  connect(m_controller, &TrainingController::finished, this, [this] {
    if (m_closeAfterStop) {
      close();
      return;
    }
    if (m_run.twinOf.isEmpty()) return;
    m_compare->compareRuns(m_run.twinOf, m_run.shown);  // The fine-tuned run against its twin from scratch.
    m_tabs->setCurrentWidget(m_compare);
    m_run.twinOf.clear();
  });
  connect(m_controller, &TrainingController::failed, this, [this](const QString& message) {
    m_run.twinOf.clear();
    // A stop asked for by a signal that failed (a full disk at its checkpoint): the window stays, with the
    // message, and a later signal asks again rather than ending the program at once.
    m_closeAfterStop = false;
    forgetStopRequest();
    showError(message);
  });
  connect(m_controller, &TrainingController::note, this,
          [this](const QString& text) { statusBar()->showMessage(text, kStatusMessageMs); });
}

void MainWindow::wirePlayground() {
  // The Playground follows training: a fresh copy of the weights every few seconds, at pauses and at the end.
  connect(m_controller, &TrainingController::predictorReady, this,
          [this](const std::shared_ptr<const Predictor>& predictor) {
            m_playground->setPredictor(
                predictor, tr("The model of %1 at step %2 (refreshed every few seconds while training runs).")
                               .arg(m_run.shown)
                               .arg(m_run.lastStep));
          });
  connect(m_playground, &PlaygroundPage::stepShown, this, [this](qint64 step) {
    m_train->plot()->setMarker(double(step));  // Where the model looked at stands in training.
    m_train->probePlot()->setMarker(double(step));
  });
  connect(m_playground, &PlaygroundPage::probesChanged, this, [this](const std::vector<Probe>& probes) {
    m_controller->setProbes(probes);  // A running run measures them from its next evaluation on.
    m_train->setProbes(probes);
  });
}

void MainWindow::wireBackgroundTasks() {
  connect(m_modelLoader, &BackgroundTask::succeeded, this, [this](const QVariant& loaded) {
    // (predictor, step, whether it is a snapshot): loadRunModel's answer.
    const QVariantList model = loaded.toList();
    const QString where =
        model.at(2).toBool()
            ? tr("The model of %1 at step %2, its newest snapshot (bf16 weights): the run has no checkpoint "
                 "yet.")
                  .arg(m_run.shown)
                  .arg(model.at(1).toLongLong())
            : tr("The model of %1 at its latest checkpoint (step %2).")
                  .arg(m_run.shown)
                  .arg(model.at(1).toLongLong());
    m_playground->setPredictor(
        model.at(0).value<std::shared_ptr<const Predictor>>(),
        m_run.ownedElsewhere ? where + " " + tr("Reloaded as the process training it writes new ones.") : where);
  });
  connect(m_modelLoader, &BackgroundTask::failed, this,
          [this](const QString& message) { statusBar()->showMessage(message, kStatusMessageMs); });
  connect(m_modelLoader, &BackgroundTask::finished, this, [this] {
    if (!m_reloadModel) return;
    m_reloadModel = false;
    loadRunModel(m_run.shown);
  });
  connect(m_evaluation, &RunEvaluation::failed, this, &MainWindow::showError);
  connect(m_export, &ModelExport::failed, this, &MainWindow::showError);
  connect(m_evaluation, &RunEvaluation::evaluated, m_train, &TrainPage::showRunEvaluation);
  connect(m_evaluation, &RunEvaluation::evaluated, this, &MainWindow::runEvaluated);
}

void MainWindow::wireFollowedRun() {
  connect(m_followed, &FollowedRun::updated, this, &MainWindow::showRunUpdate);
  connect(m_followed, &FollowedRun::failed, this, [this](const QString& message) {
    showRunWriter(std::nullopt);
    showError(tr("%1 can no longer be followed: %2").arg(m_run.shown, message));
  });
  // The studio's own run is shown from its worker, not followed; once it ends (or fails to start because
  // another process took the run first) the shown run is followed again.
  connect(m_controller, &TrainingController::runningChanged, this, [this](bool running) {
    if (running) {
      m_followed->stop();
      return;
    }
    if (m_run.shown.isEmpty()) return;
    try {
      showRunWriter(m_followed->follow(m_run.shown).writer);  // Its history is already on the page.
    } catch (const Error&) {
      // A new run that failed before writing its config: nothing to follow.
    }
  });
}

void MainWindow::restoreSettings() {
  QSettings stored;
  restoreGeometry(stored.value(settings::kWindowGeometry).toByteArray());
  const QStringList lastCorpus = stored.value(settings::kCorpus).toStringList();
  if (!lastCorpus.isEmpty()) m_data->restoreCorpus(lastCorpus);
  if (!stored.contains(settings::kLastTrainConfig)) return;
  try {
    m_train->setConfig(
        TrainConfig::fromJson(stored.value(settings::kLastTrainConfig).toString().toStdString()));
  } catch (const Error&) {
    // Settings of an older version, or damaged: keep the defaults.
  }
}

QWidget* MainWindow::currentPage() const { return m_tabs->currentWidget(); }

bool MainWindow::openRun(const QString& dir) {
  if (m_controller->isRunning()) return false;
  RunUpdate history;
  try {
    history = m_followed->follow(dir);
  } catch (...) {
    showError(QString::fromStdString(currentErrorMessage()));
    return false;
  }
  m_run = RunState{};  // Nothing of the run before it.
  m_run.shown = m_run.toContinue = dir;
  m_train->setFreezeAllowed(false);
  m_playground->setRun(dir);
  m_compare->offerRun(dir);
  m_recent->rememberRun(dir);
  m_statusRun->clear();
  m_train->setRunOwner({}, false);
  showRunUpdate(history);
  QString origin;  // A fine-tuned run names the run its weights came from.
  try {
    if (const auto from = RunFolder(dir.toStdString()).readConfig().initFrom)
      origin = tr(" Fine-tuned from %1 at step %2.").arg(QString::fromStdString(from->run)).arg(from->step);
  } catch (const Error&) {
    // Read a moment ago by follow(): gone since, and follow() will say so.
  }
  m_train->showStatus(
      (history.writer
           ? tr("Following %1: %2 steps of %3 so far.").arg(dir).arg(m_run.lastStep).arg(history.train.steps)
           : tr("Opened %1: %2 steps of %3 done. Start continues it.")
                 .arg(dir)
                 .arg(m_run.lastStep)
                 .arg(history.train.steps)) +
      origin);
  m_tabs->setCurrentWidget(m_train);
  return true;
}

namespace {

// Whether the run kept timeline snapshots; a folder that cannot be read now has none to show.
bool hasSnapshots(const QString& run) {
  try {
    return !run.isEmpty() && !RunFolder(run.toStdString()).snapshots().empty();
  } catch (const Error&) {
    return false;
  }
}

}  // namespace

void MainWindow::showRunUpdate(const RunUpdate& u) {
  if (u.probes) m_playground->setProbes(*u.probes);
  if (u.fromStart) {
    m_train->setConfig(u.train);  // The run's settings, which Start continues with (a new length aside).
    m_train->showRunHistory(u.train.steps, u.steps, u.evals, m_playground->probes(), u.probeResults);
  } else {
    m_train->setTotalSteps(u.train.steps);
    if (u.probes) m_train->setProbes(*u.probes);
    m_train->showSteps(QVector<StepMetrics>(u.steps.begin(), u.steps.end()));
    for (const EvalMetrics& e : u.evals) m_train->showEval(e);
    m_train->showProbeResults(QVector<ProbeResult>(u.probeResults.begin(), u.probeResults.end()));
  }
  if (!u.steps.empty()) showLatestStep(u.steps.back());
  if (u.damagedLines > 0)
    statusBar()->showMessage(
        tr("%n damaged line(s) in the run's history skipped (not a step's or a probe's)", "", u.damagedLines),
        kStatusMessageMs);
  // A run with no checkpoint may still have kept snapshots (one stopped before its first save): the
  // newest of them is its model until a checkpoint comes.
  if (!u.newCheckpoint.empty() || (u.fromStart && hasSnapshots(m_run.shown))) loadRunModel(m_run.shown);
  showRunWriter(u.writer);
}

void MainWindow::showRunWriter(const std::optional<RunWriter>& writer) {
  const bool wasElsewhere = m_run.ownedElsewhere;
  m_run.ownedElsewhere = writer.has_value();
  if (writer)
    m_train->setRunOwner(
        tr("Followed live: %1 is training this run. New steps, evaluations and checkpoints show here as it "
           "writes them; Start and Pause belong to that process.")
            .arg(QString::fromStdString(writer->describe())),
        true);
  else if (wasElsewhere)
    m_train->setRunOwner(tr("No longer being written: the process that trained this run has ended, at step "
                            "%1. Start continues it here.")
                             .arg(m_run.lastStep),
                         false);
  syncRunActions();
}

void MainWindow::showLatestStep(const StepMetrics& step) {
  m_run.lastStep = step.step;
  m_statusRun->setText(tr("step %1 · %2 tokens/s").arg(m_run.lastStep).arg(qRound(step.tokensPerSecond)));
}

void MainWindow::startTraining() {
  if (m_controller->isRunning() || m_evaluation->isRunning()) return;
  if (m_run.ownedElsewhere) {
    const std::optional<RunWriter> writer = runWriter(m_run.shown.toStdString());
    showError(tr("%1 is being trained by %2. Start continues it here once that process has ended.")
                  .arg(m_run.shown, QString::fromStdString(writer ? writer->describe() : "another process")));
    return;
  }
  // Gathering the options asks the engine (presets, tokenizer types, JSON): whatever it throws is shown.
  try {
    if (m_run.toContinue.isEmpty())
      startNewRun();
    else
      continueOpenRun();
  } catch (...) {
    showError(QString::fromStdString(currentErrorMessage()));
  }
}

void MainWindow::continueOpenRun() {
  TrainingRunOptions o;  // Towards the steps now set.
  o.runDir = m_run.toContinue.toStdString();
  o.resume = true;
  // What the Train page may change of a run without changing what it learns (RunChanges).
  o.resumeChanges = {m_train->config(), {"steps", "eval-every", "threads"}};
  launch(o, tr("Continuing %1").arg(m_run.toContinue));
}

void MainWindow::startNewRun() {
  if (!m_data->hasCorpus()) {
    m_tabs->setCurrentWidget(m_data);
    showError(tr("Choose a corpus first: open files or a folder, or use the sample corpus."));
    return;
  }
  if (m_run.fineTuneFrom.isEmpty() && !m_model->isValid()) {  // A fine-tuned model is its parent's.
    m_tabs->setCurrentWidget(m_model);
    showError(tr("The model's settings are impossible; see the message on the Model page."));
    return;
  }
  TrainingRunOptions o = newRunOptions();
  rememberStart(o.train);
  o.runDir = newRunFolder().toStdString();
  const QString dir = QString::fromStdString(o.runDir);
  beginNewRun(o, m_run.fineTuneFrom.isEmpty()
                     ? tr("Starting: run folder %1").arg(dir)
                     : tr("Starting: run folder %1, fine-tuned from %2").arg(dir, m_run.fineTuneFrom));
  m_run.fineTuneFrom.clear();
  m_train->setFreezeAllowed(false);
}

QString MainWindow::newRunFolder() const {
  QDir().mkpath(runsFolder());
  return QString::fromStdString(newRunDir(runsFolder().toStdString(), std::time(nullptr)));
}

void MainWindow::beginNewRun(const TrainingRunOptions& options, const QString& status) {
  const QString dir = QString::fromStdString(options.runDir);
  m_recent->rememberRun(dir);
  m_run.shown = dir;
  m_playground->setRun(dir);
  m_train->resetForRun(options.train.steps);
  m_tabs->setCurrentWidget(m_train);
  launch(options, status);
}

void MainWindow::launch(TrainingRunOptions options, const QString& status) {
  m_run.ownedElsewhere = false;  // The studio trains it now (a run another process trains cannot be started).
  m_train->setRunOwner({}, false);
  options.probes = m_playground->probes();
  m_controller->setProbes(options.probes);
  m_train->showStatus(status);
  m_controller->start(options);
}

void MainWindow::rememberStart(const TrainConfig& train) {
  QSettings stored;
  stored.setValue(settings::kCorpus, m_data->inputs());
  stored.setValue(settings::kLastTrainConfig, QString::fromStdString(train.toJson()));
  if (m_data->inputs().size() == 1) m_recent->rememberCorpus(m_data->inputs().front());
}

void MainWindow::evaluateRun() {
  if (m_controller->isRunning() || m_evaluation->isRunning()) return;
  if (m_run.shown.isEmpty()) {
    showError(tr("No run to evaluate: open one (File ▸ Open run…) or train one first."));
    return;
  }
  m_evaluation->start(m_run.shown);
}

void MainWindow::loadRunModel(const QString& dir) {
  if (m_modelLoader->isRunning()) {
    m_reloadModel = true;  // Once this load is done: the newer checkpoint.
    return;
  }
  const std::string path = dir.toStdString();
  m_modelLoader->start([path](const ProgressFn&) {
    const RunModel m = openRunModel(path, kNewestKept);
    return QVariant(QVariantList{QVariant::fromValue(std::make_shared<const Predictor>(m.model, m.tokenizer)),
                                 qint64(m.step), m.snapshot});
  });
}

void MainWindow::showError(const QString& message) {
  m_train->showStatus(message);
  QMessageBox::warning(this, tr("Pretrain Studio"), message);
}

}  // namespace pretrain::ui
