// The real window, driven as a person would (offscreen): choose a corpus, set a tiny model, train, pause,
// resume, stop; bad files and impossible settings give messages and change nothing.
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QProcess>
#include <QtCore/QSettings>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtGui/QClipboard>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QLabel>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QSpinBox>

#include <unistd.h>
#include <csignal>
#include <filesystem>

#include "run/run_folder.h"
#include "run/training_run.h"
#include "test_data.h"
#include "test_widgets.h"
#include "ui/compare/compare_page.h"
#include "ui/compare/run_choice.h"
#include "ui/pages/data_page.h"
#include "ui/pages/model_page.h"
#include "ui/pages/train_page.h"
#include "ui/playground/playground_page.h"
#include "ui/playground/timeline_bar.h"
#include "ui/plots/loss_plot.h"
#include "ui/plots/probe_plot.h"
#include "ui/window/main_window.h"
#include "ui/window/settings_keys.h"
#include "ui/workers/background_task.h"
#include "ui/workers/training_controller.h"
#include "util/content_hash.h"

using namespace pretrain;
using namespace pretrain::ui;
using testdata::child;

namespace {

// Closes message boxes as they open (they are modal and would block the test), keeping their text.
// With `answer` set, it presses that button instead of closing the box.
class MessageCatcher : public QObject {
 public:
  QStringList texts;
  explicit MessageCatcher(QMessageBox::StandardButton answer = QMessageBox::NoButton) {
    m_timer.setInterval(20);
    QObject::connect(&m_timer, &QTimer::timeout, this, [this, answer] {
      if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
        texts << box->text();
        if (answer != QMessageBox::NoButton && box->button(answer))
          box->button(answer)->click();
        else
          box->close();
      }
    });
    m_timer.start();
  }

 private:
  QTimer m_timer;
};

void setSpin(QWidget* page, const char* name, int value) {
  auto* s = page->findChild<QSpinBox*>(name);
  QVERIFY2(s, name);
  s->setValue(value);
}

// The run folder of the run whose `finished` signal `finished` caught (its checkpoints' parent).
QString runFolderOf(const QSignalSpy& finished) {
  const auto summary = finished.at(0).at(0).value<TrainingRunSummary>();
  return QFileInfo(QString::fromStdString(summary.checkpoint)).dir().absolutePath() + "/..";
}

// A command line's words, as a POSIX shell splits them (single quotes, as the copied command uses them).
QStringList shellWords(const QString& line) {
  QStringList words;
  QString word;
  bool quoted = false, inWord = false;
  for (const QChar c : line) {
    if (c == '\'') {
      quoted = !quoted;
      inWord = true;
    } else if (c == ' ' && !quoted) {
      if (inWord) words << word;
      word.clear();
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words << word;
  return words;
}

// A corpus and a model small enough to train in a moment, set through the pages' own fields.
void useTinySetup(MainWindow& w, const QString& corpus, int steps) {
  QVERIFY(w.dataPage()->setCorpus({corpus}));
  setSpin(w.dataPage(), "vocab", 400);
  setSpin(w.modelPage(), "layers", 1);
  setSpin(w.modelPage(), "heads", 2);
  setSpin(w.modelPage(), "dim", 32);
  setSpin(w.modelPage(), "context", 16);
  setSpin(w.trainPage(), "steps", steps);
}

}  // namespace

class TstMainWindow : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;

  // A run made by the engine directly, as `pretrain train` makes it.
  void makeEngineRun(const QString& name, int steps) {
    TrainingRunOptions o;
    o.runDir = m_dir.filePath(name).toStdString();
    o.corpus.inputs = {m_dir.filePath("corpus.txt").toStdString()};
    o.tokenize.tokenizer.vocabSize = 400;
    o.model.layers = 1;
    o.model.heads = 2;
    o.model.dim = 32;
    o.model.mlpDim = 64;
    o.model.context = 16;
    o.train.batch = 4;
    o.train.steps = steps;
    o.train.warmup = 2;
    o.train.evalEvery = 10;
    o.train.device = "cpu";
    runTraining(o, {});
  }

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("PretrainStudioTests");
    QSettings().clear();
    QSettings().setValue(settings::kRunsFolder, m_dir.filePath("runs"));
    testdata::writeFile(m_dir.filePath("corpus.txt"), testdata::textCorpus(30, 10));
    testdata::writeFile(m_dir.filePath("binary.txt"), QByteArray("\x7f"
                                                                 "ELF\x02\x01\x00\x00",
                                                                 8));
  }

  void badFilesKeepThePreviousCorpus() {
    MainWindow w;
    MessageCatcher catcher;
    QVERIFY(w.dataPage()->setCorpus({m_dir.filePath("corpus.txt")}));
    QVERIFY(!w.dataPage()->setCorpus({m_dir.filePath("binary.txt")}));
    QVERIFY(!w.dataPage()->setCorpus({m_dir.filePath("missing.txt")}));
    QCOMPARE(catcher.texts.size(), 2);
    QVERIFY2(catcher.texts[0].contains("NUL byte"), qPrintable(catcher.texts[0]));
    QVERIFY(catcher.texts[1].contains("no such file"));
    QCOMPARE(QString::fromStdString(w.dataPage()->corpus().inputs.at(0)), m_dir.filePath("corpus.txt"));
  }

  void impossibleSettingsAreRefused() {
    MainWindow w;
    MessageCatcher catcher;
    w.dataPage()->setCorpus({m_dir.filePath("corpus.txt")});
    setSpin(w.modelPage(), "heads", 3);  // 256 is not a multiple of 3.
    QVERIFY(!w.modelPage()->isValid());
    w.startTraining();
    QVERIFY(!w.controller()->isRunning());
    QCOMPARE(catcher.texts.size(), 1);
  }

  void trainPauseResumeStop() {
    MainWindow w;
    MessageCatcher catcher;
    w.show();
    useTinySetup(w, m_dir.filePath("corpus.txt"), 100000);
    setSpin(w.trainPage(), "batch", 4);
    setSpin(w.trainPage(), "warmup", 5);
    setSpin(w.trainPage(), "evalEvery", 25);
    w.trainPage()->findChild<QComboBox*>("precision")->setCurrentIndex(1);  // fp32
    auto* device = w.modelPage()->findChild<QComboBox*>("device");
    device->setCurrentIndex(device->findData("cpu"));
    QSignalSpy finished(w.controller(), &TrainingController::finished);

    QTest::mouseClick(w.trainPage()->startButton(), Qt::LeftButton);
    QVERIFY(w.controller()->isRunning());
    QVERIFY(!w.trainPage()->startButton()->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(w.trainPage()->plot()->pointCount() >= 30 || !catcher.texts.isEmpty(), 60000);
    QVERIFY2(catcher.texts.isEmpty(), qPrintable(catcher.texts.join('\n')));
    // The Model page says where it trains, as the engine chose.
    QVERIFY(w.modelPage()->findChild<QLabel*>("deviceInUse")->text().startsWith("In use: cpu, fp32"));

    QTest::mouseClick(w.trainPage()->pauseButton(), Qt::LeftButton);
    QTRY_VERIFY(w.controller()->isPaused());
    QTRY_COMPARE(w.trainPage()->pauseButton()->text(), QString("Resume"));
    QTest::qWait(100);  // Let the last rows reach the plot.
    const int atPause = w.trainPage()->plot()->pointCount();
    QTest::qWait(500);
    QCOMPARE(w.trainPage()->plot()->pointCount(), atPause);

    QTest::mouseClick(w.trainPage()->pauseButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(w.trainPage()->plot()->pointCount() > atPause + 10, 30000);

    QTest::mouseClick(w.trainPage()->stopButton(), Qt::LeftButton);
    QVERIFY(finished.wait(30000));
    QVERIFY(w.trainPage()->startButton()->isEnabled());
    QVERIFY(catcher.texts.isEmpty());
    // The run folder is the same one `pretrain train` writes.
    const QStringList runs = QDir(m_dir.filePath("runs")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    QCOMPARE(runs.size(), 1);
    for (const char* f : {"config.json", "metrics.jsonl", "data/tokens/manifest.json"})
      QVERIFY2(QFile::exists(m_dir.filePath("runs/" + runs[0] + "/" + f)), f);
  }

  void openAndContinueARunFromTheCommandLine() {
    makeEngineRun("cli-run", 20);
    MainWindow w;
    MessageCatcher catcher;
    QVERIFY(!w.openRun(m_dir.filePath("corpus.txt")));  // Not a run folder: a message, nothing opened.
    QCOMPARE(catcher.texts.size(), 1);
    QVERIFY(w.openRun(m_dir.filePath("cli-run")));
    QTRY_COMPARE(w.trainPage()->plot()->pointCount(), 20);  // The whole history.
    setSpin(w.trainPage(), "steps", 30);
    QSignalSpy finished(w.controller(), &TrainingController::finished);
    w.startTraining();
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.at(0).at(0).value<TrainingRunSummary>().startStep, int64_t(20));
    QCOMPARE(finished.at(0).at(0).value<TrainingRunSummary>().endStep, int64_t(30));
    QTRY_COMPARE(w.trainPage()->plot()->pointCount(), 30);

    // Evaluating the run from the window measures its last checkpoint on the same validation windows as
    // the run's own last validation point.
    std::vector<StepMetrics> steps;
    std::vector<EvalMetrics> evals;
    RunFolder(m_dir.filePath("cli-run").toStdString()).readMetrics(steps, evals);
    QSignalSpy evaluated(&w, &MainWindow::runEvaluated);
    w.evaluateRun();
    QVERIFY(evaluated.wait(60000));
    const auto e = evaluated.at(0).at(0).value<EvalMetrics>();
    QCOMPARE(e.step, int64_t(30));
    QCOMPARE(evals.back().step, int64_t(30));
    QVERIFY2(std::abs(e.loss - evals.back().loss) < 1e-4 * evals.back().loss,
             qPrintable(QString("%1 vs %2").arg(e.loss).arg(evals.back().loss)));
    QCOMPARE(catcher.texts.size(), 1);  // Only the "not a run folder" message from the start.
  }

  // Run ▸ Fine-tune on another corpus: Start makes a new run from the open run's weights, with the
  // fine-tuning defaults, and the new run records its parent.
  void fineTuneAnOpenRun() {
    makeEngineRun("parent-run", 20);
    testdata::writeFile(m_dir.filePath("other.txt"), testdata::textCorpus(10, 10, 7));
    MainWindow w;
    MessageCatcher catcher;
    const QString parent = m_dir.filePath("parent-run");
    QVERIFY(w.openRun(parent));
    QVERIFY(w.prepareFineTune(parent, {m_dir.filePath("other.txt")}));
    QCOMPARE(w.trainPage()->config().lr, kFineTuneLr);
    setSpin(w.trainPage(), "steps", 10);
    w.trainPage()->findChild<QCheckBox*>("freezeEmbeddings")->setChecked(true);
    QSignalSpy finished(w.controller(), &TrainingController::finished);
    w.startTraining();
    QVERIFY(finished.wait(60000));
    QVERIFY2(catcher.texts.isEmpty(), qPrintable(catcher.texts.join('\n')));
    const QString run = runFolderOf(finished);
    const RunConfig config = RunFolder(run.toStdString()).readConfig();
    QVERIFY(config.initFrom.has_value());
    QCOMPARE(QString::fromStdString(config.initFrom->run), QDir(parent).absolutePath());
    QCOMPARE(config.initFrom->step, int64_t(20));
    QCOMPARE(config.train.lr, kFineTuneLr);
    QCOMPARE(config.model.dim, 32);          // The parent's shape, whatever the Model page says.
    QVERIFY(config.train.freezeEmbeddings);  // As the Train page said.

    // Its twin from random weights: the same corpus, tokenizer, model, steps and seed, the parent's
    // learning rate, nothing frozen; when it ends, the Compare page has the two side by side.
    QVERIFY(w.trainScratchTwin());
    QVERIFY(finished.wait(60000));
    QVERIFY2(catcher.texts.isEmpty(), qPrintable(catcher.texts.join('\n')));
    const QString twin = w.comparePage()->choice(1)->run();
    QCOMPARE(QDir(w.comparePage()->choice(0)->run()).canonicalPath(), QDir(run).canonicalPath());
    QVERIFY(QDir(twin).canonicalPath() != QDir(run).canonicalPath());
    const RunConfig twinConfig = RunFolder(twin.toStdString()).readConfig();
    QVERIFY(!twinConfig.initFrom.has_value());
    QCOMPARE(twinConfig.tokenizerHash, config.tokenizerHash);
    QCOMPARE(twinConfig.corpus, config.corpus);
    QCOMPARE(twinConfig.model.toJson(), config.model.toJson());
    QCOMPARE(twinConfig.train.steps, config.train.steps);
    QCOMPARE(twinConfig.train.seed, config.train.seed);
    QCOMPARE(twinConfig.train.lr, RunFolder(parent.toStdString()).readConfig().train.lr);
    QVERIFY(!twinConfig.train.freezeEmbeddings);
    QCOMPARE(w.currentPage(), static_cast<QWidget*>(w.comparePage()));

    // A run from random weights has no twin: a message, and nothing starts.
    QVERIFY(w.openRun(parent));
    QVERIFY(!w.trainScratchTwin());
    QCOMPARE(catcher.texts.size(), 1);
    QVERIFY2(catcher.texts[0].contains("not fine-tuned"), qPrintable(catcher.texts[0]));
  }

  void theCopiedCommandStartsTheSameRun() {
    // Settings in the studio -> "Copy command" -> `pretrain train` -> the run's config.json is the one the
    // studio writes when it starts the same settings itself.
    MainWindow w;
    MessageCatcher catcher;
    useTinySetup(w, m_dir.filePath("corpus.txt"), 3);
    setSpin(w.trainPage(), "batch", 4);
    const QString command = w.copyCommand();
    QCOMPARE(QGuiApplication::clipboard()->text(), command);
    // Its torchrun form: two processes of half the batch each, the same global batch.
    const QString torchrun = w.copyCommand(2);
    QVERIFY2(torchrun.startsWith("torchrun --standalone --nproc_per_node=2 ") &&
                 torchrun.contains(" --no_python pretrain train ") && torchrun.contains(" --batch 2 ") &&
                 command.contains(" --batch 4 "),
             qPrintable(torchrun));
    QStringList args = shellWords(command);
    QCOMPARE(args.takeFirst(), QString("pretrain"));
    args[args.indexOf("--out") + 1] = m_dir.filePath("from-command");
    QProcess cli;
    cli.start(QCoreApplication::applicationDirPath() + "/pretrain", args);
    QVERIFY(cli.waitForFinished(120000));
    QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());

    QSignalSpy finished(w.controller(), &TrainingController::finished);
    w.startTraining();
    QVERIFY(finished.wait(60000));
    QVERIFY2(catcher.texts.isEmpty(), qPrintable(catcher.texts.join('\n')));
    const QString studioRun = runFolderOf(finished);
    RunConfig fromStudio = RunFolder(studioRun.toStdString()).readConfig(),
              fromCommand = RunFolder(m_dir.filePath("from-command").toStdString()).readConfig();
    // Each tokenizer file records where it was trained: the same pieces, another hash.
    fromStudio.tokenizerHash = fromCommand.tokenizerHash = "";
    QCOMPARE(QString::fromStdString(runConfigJson(fromCommand)),
             QString::fromStdString(runConfigJson(fromStudio)));
    QCOMPARE(QString::fromStdString(fromStudio.preset), QString("tiny+custom"));

    // The same settings as a --config file.
    QVERIFY(w.saveSettings(m_dir.filePath("studio.toml")));
    QFile toml(m_dir.filePath("studio.toml"));
    QVERIFY(toml.open(QIODevice::ReadOnly));
    const QByteArray settings = toml.readAll();
    QVERIFY2(settings.contains("\nsteps = 3\n") && settings.contains("\nlayers = 1\n"), settings.constData());
  }

  void settingsSavedInOneWindowOpenInAnother() {
    MainWindow first;
    MessageCatcher catcher;
    useTinySetup(first, m_dir.filePath("corpus.txt"), 7);
    setSpin(first.trainPage(), "batch", 6);
    first.trainPage()->findChild<QComboBox*>("precision")->setCurrentIndex(1);  // fp32
    QVERIFY(first.saveSettings(m_dir.filePath("moved.toml")));
    const auto withoutOut = [](const QString& command) { return command.section(" --out ", 0, 0); };

    MainWindow second;
    QVERIFY(second.openSettings(m_dir.filePath("moved.toml")));
    QVERIFY2(catcher.texts.isEmpty(), qPrintable(catcher.texts.join('\n')));
    QCOMPARE(withoutOut(second.copyCommand()), withoutOut(first.copyCommand()));

    // A bad file: a message, and the pages keep what they had.
    testdata::writeFile(m_dir.filePath("bad.toml"), "steps = \"many\"\n");
    QVERIFY(!second.openSettings(m_dir.filePath("bad.toml")));
    QCOMPARE(catcher.texts.size(), 1);
    QVERIFY2(catcher.texts[0].contains("steps in " + m_dir.filePath("bad.toml")),
             qPrintable(catcher.texts[0]));
    QCOMPARE(withoutOut(second.copyCommand()), withoutOut(first.copyCommand()));
  }

  void aDamagedRunIsAMessageNotACrash() {
    // A config of the wrong JSON type makes the JSON library throw its own exception, not the engine's: the
    // window shows it as a message and opens nothing. A history line of the wrong type is skipped, as a
    // torn last line is.
    makeEngineRun("damaged-run", 2);
    testdata::writeFile(m_dir.filePath("damaged-run/metrics.jsonl"), "{\"step\": \"seven\"}\n");
    MainWindow w;
    MessageCatcher catcher;
    QVERIFY(w.openRun(m_dir.filePath("damaged-run")));
    QCOMPARE(w.trainPage()->plot()->pointCount(), 0);
    testdata::writeFile(m_dir.filePath("damaged-run/config.json"), "{\"format_version\": \"one\"}\n");
    QVERIFY(!w.openRun(m_dir.filePath("damaged-run")));
    QCOMPARE(catcher.texts.size(), 1);
    QVERIFY2(catcher.texts[0].contains("config.json"), qPrintable(catcher.texts[0]));
  }

  void followsARunAnotherProcessTrains() {
    // `pretrain train` writes a run while the window shows it: its rows, evaluations and checkpoints come
    // in as they are written, and the run is that process's until it ends.
    const QString dir = m_dir.filePath("followed");
    QProcess trainer;
    trainer.start(QCoreApplication::applicationDirPath() + "/pretrain", {"train",
                                                                         "--corpus",
                                                                         m_dir.filePath("corpus.txt"),
                                                                         "--out",
                                                                         dir,
                                                                         "--vocab-size",
                                                                         "400",
                                                                         "--layers",
                                                                         "1",
                                                                         "--heads",
                                                                         "2",
                                                                         "--dim",
                                                                         "32",
                                                                         "--context",
                                                                         "16",
                                                                         "--batch",
                                                                         "4",
                                                                         "--steps",
                                                                         "1000000",
                                                                         "--eval-every",
                                                                         "25",
                                                                         "--save-every",
                                                                         "300",
                                                                         "--threads",
                                                                         "1",
                                                                         "--device",
                                                                         "cpu"});
    QVERIFY(trainer.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(dir + "/config.json"), 60000);
    MainWindow w;
    MessageCatcher catcher;
    QVERIFY(w.openRun(dir));
    auto* owner = w.trainPage()->findChild<QLabel*>("runOwner");
    QVERIFY(owner->isVisibleTo(&w));
    QVERIFY2(owner->text().contains(QString("process %1").arg(trainer.processId())),
             qPrintable(owner->text()));
    QVERIFY(!w.trainPage()->startButton()->isEnabled());
    QVERIFY(!w.trainPage()->stopButton()->isEnabled());  // Not the studio's process to stop.
    const int shown = w.trainPage()->plot()->pointCount();
    QTRY_VERIFY_WITH_TIMEOUT(w.trainPage()->plot()->pointCount() > shown + 50, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(w.trainPage()->plot()->evalCount() >= 4, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(w.playgroundPage()->hasModel(), 30000);  // From a checkpoint written meanwhile.
    // Started anyway (the slot, past the disabled button and menu item): a message, and nothing runs.
    w.startTraining();
    QTRY_COMPARE(catcher.texts.size(), 1);
    QVERIFY2(catcher.texts[0].contains("is being trained by process"), qPrintable(catcher.texts[0]));
    QVERIFY(!w.controller()->isRunning());
    // Ctrl-C ends the other process (with a checkpoint): the run is shown as no longer written, whole.
    ::kill(pid_t(trainer.processId()), SIGINT);
    QVERIFY(trainer.waitForFinished(30000));
    QTRY_VERIFY_WITH_TIMEOUT(owner->text().contains("No longer being written"), 5000);
    QVERIFY(w.trainPage()->startButton()->isEnabled());
    std::vector<StepMetrics> steps;
    std::vector<EvalMetrics> evals;
    RunFolder(dir.toStdString()).readMetrics(steps, evals);
    QTRY_COMPARE(w.trainPage()->plot()->pointCount(), int(steps.size()));
    QCOMPARE(catcher.texts.size(), 1);
  }

  void evaluatingWithoutARunSaysWhatToDo() {
    MainWindow w;
    MessageCatcher catcher;
    w.evaluateRun();
    QCOMPARE(catcher.texts.size(), 1);
    QVERIFY(catcher.texts[0].contains("open one"));
  }

  void trainTokenizerInTheBackgroundThenUseIt() {
    MainWindow w;
    MessageCatcher catcher;
    useTinySetup(w, m_dir.filePath("corpus.txt"), 2);
    QSignalSpy prepared(w.dataPage(), &DataPage::prepared);
    QSignalSpy cancelled(w.dataPage()->task(), &BackgroundTask::cancelled);
    // Cancel at once: nothing is kept.
    w.dataPage()->trainTokenizer();
    w.dataPage()->task()->cancel();
    QVERIFY(cancelled.wait(30000));
    QVERIFY(w.dataPage()->preparedData().isEmpty());
    QTRY_VERIFY(!w.dataPage()->task()->isRunning());
    // Then for real.
    w.dataPage()->trainTokenizer();
    QVERIFY(prepared.wait(60000));
    const QString dir = w.dataPage()->preparedData();
    QVERIFY(QFile::exists(dir + "/tokens/manifest.json"));
    const QString stats = w.dataPage()->findChild<QLabel*>("statistics")->text();
    QVERIFY2(stats.startsWith("30 documents · ") && !stats.contains('%' + QString("1")), qPrintable(stats));
    // A run started now reuses that tokenizer rather than training another.
    QSignalSpy finished(w.controller(), &TrainingController::finished);
    w.startTraining();
    QVERIFY(finished.wait(60000));
    QVERIFY(catcher.texts.isEmpty());
    const std::string runDir = finished.at(0).at(0).value<TrainingRunSummary>().checkpoint;
    const std::string run =
        QFileInfo(QString::fromStdString(runDir)).dir().absolutePath().toStdString() + "/..";
    QCOMPARE(RunFolder(run).readConfig().tokenizerHash,
             tokenizerFileHash(dir.toStdString() + "/tokenizer.model"));
  }

  void closingDuringTrainingAsksThenStopsWithACheckpoint() {
    MainWindow w;
    w.show();
    useTinySetup(w, m_dir.filePath("corpus.txt"), 100000);
    QSignalSpy finished(w.controller(), &TrainingController::finished);
    w.startTraining();
    QTRY_VERIFY_WITH_TIMEOUT(w.trainPage()->plot()->pointCount() >= 5, 60000);
    {
      MessageCatcher cancel(QMessageBox::Cancel);  // "No, keep training": the window stays.
      w.close();
      QTRY_COMPARE(cancel.texts.size(), 1);
      QVERIFY(w.isVisible());
      QVERIFY(w.controller()->isRunning());
    }
    MessageCatcher yes(QMessageBox::Yes);
    w.close();
    QVERIFY(finished.wait(30000));
    QVERIFY(finished.at(0).at(0).value<TrainingRunSummary>().stopped);
    QVERIFY(
        QFile::exists(QString::fromStdString(finished.at(0).at(0).value<TrainingRunSummary>().checkpoint)));
    QTRY_VERIFY(!w.isVisible());
  }

  // SIGTERM (a logout, a shutdown, systemctl), SIGHUP and SIGINT: the run stops with a checkpoint of the step
  // it reached, as Stop does, and the window closes, without asking and within seconds.
  void aQuitSignalStopsTheRunWithACheckpoint_data() {
    QTest::addColumn<int>("signal");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGHUP") << int(SIGHUP);
    QTest::newRow("SIGINT") << int(SIGINT);
  }
  void aQuitSignalStopsTheRunWithACheckpoint() {
    QFETCH(int, signal);
    MainWindow w;
    MessageCatcher catcher;
    w.handleQuitRequests();
    w.show();
    useTinySetup(w, m_dir.filePath("corpus.txt"), 100000);
    QSignalSpy finished(w.controller(), &TrainingController::finished);
    w.startTraining();
    QTRY_VERIFY_WITH_TIMEOUT(w.trainPage()->plot()->pointCount() >= 5, 60000);
    QElapsedTimer clock;
    clock.start();
    ::kill(::getpid(), signal);
    QVERIFY(finished.wait(30000));
    QTRY_VERIFY(!w.isVisible());
    qInfo("stopped, saved and closed %lld ms after the signal", qlonglong(clock.elapsed()));
    QVERIFY(clock.elapsed() < 10000);
    QVERIFY2(catcher.texts.isEmpty(), qPrintable(catcher.texts.join('\n')));  // Nothing asked.
    const auto summary = finished.at(0).at(0).value<TrainingRunSummary>();
    QVERIFY(summary.stopped);
    QVERIFY(QFile::exists(QString::fromStdString(summary.checkpoint)));
    std::vector<StepMetrics> steps;
    std::vector<EvalMetrics> evals;
    RunFolder(runFolderOf(finished).toStdString()).readMetrics(steps, evals);
    QCOMPARE(stepOfFile(summary.checkpoint), steps.back().step);  // The step it reached, not an older one.
  }

  // A run that kept snapshots but no checkpoint (killed before its first save): the Playground shows its
  // newest snapshot, said as such, and the Compare page reads it too.
  void aRunWithOnlySnapshotsShowsItsNewest() {
    makeEngineRun("snapshots-only", 20);
    const RunFolder run(m_dir.filePath("snapshots-only").toStdString());
    for (const std::string& c : run.checkpoints()) QVERIFY(std::filesystem::remove(c));
    MainWindow w;
    MessageCatcher catcher;
    QVERIFY(w.openRun(m_dir.filePath("snapshots-only")));
    QTRY_VERIFY_WITH_TIMEOUT(w.playgroundPage()->hasModel(), 30000);
    const QString where = w.playgroundPage()->findChild<QLabel*>("modelWhere")->text();
    const int64_t newest = stepOfFile(run.snapshots().back());  // 16: steps 0, 1, 2, 4, 8, 16 are kept.
    QVERIFY2(where.contains(QString("step %1, its newest snapshot").arg(newest)), qPrintable(where));
    QVERIFY2(catcher.texts.isEmpty(), qPrintable(catcher.texts.join('\n')));
  }

  // The corpus remembered from the last session, named relative to a folder the studio no longer starts
  // in: a note on the Data page, not a dialog before the window is up; a corpus set now is kept absolute.
  void aRememberedCorpusThatIsGoneIsANote() {
    QSettings().setValue(settings::kCorpus, QStringList("data/brown-somewhere-else"));
    MessageCatcher catcher;
    {
      MainWindow w;
      QCoreApplication::processEvents();
      QVERIFY(!w.dataPage()->hasCorpus());
      QVERIFY(w.dataPage()->findChild<QLabel*>("corpusSummary")->text().contains("cannot be read any more"));
      QVERIFY(w.dataPage()->setCorpus(
          {QDir(QDir::currentPath()).relativeFilePath(m_dir.filePath("corpus.txt"))}));
      QCOMPARE(w.dataPage()->inputs(), QStringList(m_dir.filePath("corpus.txt")));
    }
    QTest::qWait(100);
    QVERIFY2(catcher.texts.isEmpty(), qPrintable(catcher.texts.join('\n')));
    QSettings().remove(settings::kCorpus);
  }

  void playgroundFollowsTrainingAndProbesRecord() {
    MainWindow w;
    MessageCatcher catcher;
    useTinySetup(w, m_dir.filePath("corpus.txt"), 20);
    setSpin(w.trainPage(), "evalEvery", 10);
    QVERIFY(!w.playgroundPage()->hasModel());
    w.playgroundPage()->addProbe({"the first line of", "text"});
    QSignalSpy finished(w.controller(), &TrainingController::finished);
    w.startTraining();
    QVERIFY(finished.wait(60000));
    QVERIFY2(catcher.texts.isEmpty(), qPrintable(catcher.texts.join('\n')));
    QTRY_VERIFY(w.playgroundPage()->hasModel());  // A snapshot of the weights reached the Playground.
    QTRY_COMPARE(w.trainPage()->probePlot()->pointCount(), 2);  // One point per evaluation (10, 20).
    // Opened again, the run brings back its probes, their history and its model.
    const QString run = runFolderOf(finished);
    MainWindow again;
    QVERIFY(again.openRun(run));
    QCOMPARE(again.playgroundPage()->probes().size(), size_t(1));
    QCOMPARE(again.trainPage()->probePlot()->pointCount(), 2);
    QTRY_VERIFY(again.playgroundPage()->hasModel());
    // A step chosen on the Playground's timeline is marked on the Train page's plots.
    QVERIFY(child<TimelineBar>(again.playgroundPage(), "timeline")->steps().contains(8));  // A snapshot of the run.
    child<TimelineBar>(again.playgroundPage(), "timeline")->choose(8);
    QTRY_COMPARE(again.trainPage()->plot()->marker(), 8.0);
    QCOMPARE(again.trainPage()->probePlot()->marker(), 8.0);
    child<TimelineBar>(again.playgroundPage(), "timeline")->choose(-1);
    QCOMPARE(again.trainPage()->plot()->marker(), -1.0);
  }

  void settingsPersist() {
    {
      MainWindow w;
      MessageCatcher catcher;
      useTinySetup(w, m_dir.filePath("corpus.txt"), 1);
      QSignalSpy finished(w.controller(), &TrainingController::finished);
      w.startTraining();  // Starting a run records the corpus.
      QVERIFY(finished.wait(60000));
      QVERIFY(catcher.texts.isEmpty());
    }
    MainWindow again;
    QCOMPARE(again.trainPage()->config().steps, int64_t(1));  // The last settings used.
    QVERIFY(again.dataPage()->hasCorpus());
    QCOMPARE(QString::fromStdString(again.dataPage()->corpus().inputs.at(0)), m_dir.filePath("corpus.txt"));
  }
};

QTEST_MAIN(TstMainWindow)
#include "tst_main_window.moc"
