// The thread boundary: a real run on the worker thread, driven and observed from the GUI thread.
#include <QtCore/QElapsedTimer>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include "test_data.h"
#include "ui/workers/training_controller.h"

using namespace pretrain;
using pretrain::ui::TrainingController;

class TstTrainingController : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;

  TrainingRunOptions options(const QString& name, int steps) const {
    TrainingRunOptions o;
    o.runDir = m_dir.filePath(name).toStdString();
    o.corpus.inputs = {m_dir.filePath("corpus.txt").toStdString()};
    o.tokenize.tokenizer.vocabSize = 400;
    o.model.layers = 2;
    o.model.heads = 2;
    o.model.dim = 64;
    o.model.mlpDim = 256;
    o.model.context = 32;
    o.train.batch = 8;
    o.train.steps = steps;
    o.train.warmup = 5;
    o.train.threads = 2;
    o.train.device = "cpu";
    o.train.precision = "fp32";
    o.train.evalEvery = 20;
    o.train.saveEvery = 1000;
    return o;
  }

  static int rowCount(const QSignalSpy& spy) {
    int n = 0;
    for (const auto& args : spy) n += args.at(0).value<QVector<StepMetrics>>().size();
    return n;
  }

 private Q_SLOTS:
  void initTestCase() { testdata::writeFile(m_dir.filePath("corpus.txt"), testdata::textCorpus(30, 10)); }

  void runPauseResumeStop() {
    TrainingController c;
    QSignalSpy steps(&c, &TrainingController::steps), evals(&c, &TrainingController::evaluated),
        finished(&c, &TrainingController::finished), paused(&c, &TrainingController::pausedChanged);
    c.start(options("run", 100000));
    QVERIFY(c.isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(rowCount(steps) >= 10, 60000);

    c.setPaused(true);
    QTRY_VERIFY(c.isPaused());
    const int atPause = rowCount(steps);
    QTest::qWait(500);  // Paused: no step advances.
    QCOMPARE(rowCount(steps), atPause);

    // Save checkpoint while paused: written at once, for the paused step, and still paused after.
    QSignalSpy notes(&c, &TrainingController::note);
    c.saveCheckpoint();
    QTRY_VERIFY(!notes.isEmpty());
    QVERIFY2(
        notes.at(0).at(0).toString().contains(QString("step-%1.safetensors").arg(atPause, 8, 10, QChar('0'))),
        qPrintable(notes.at(0).at(0).toString()));
    QVERIFY(c.isPaused());
    QCOMPARE(rowCount(steps), atPause);

    c.setPaused(false);
    QTRY_VERIFY(!c.isPaused());
    QTRY_VERIFY_WITH_TIMEOUT(rowCount(steps) > atPause + 5, 30000);
    // Steps arrive in order, one row each, with no gap across the pause.
    int64_t expect = 1;
    for (const auto& args : steps)
      for (const StepMetrics& s : args.at(0).value<QVector<StepMetrics>>()) QCOMPARE(s.step, expect++);

    // Evaluations (every 20 steps) reach the controller too; stopping does not evaluate, so wait for one
    // rather than race the stop against step 20.
    QTRY_VERIFY_WITH_TIMEOUT(!evals.isEmpty(), 30000);

    c.stop();
    QVERIFY(finished.wait(30000));
    const auto summary = finished.at(0).at(0).value<TrainingRunSummary>();
    QVERIFY(summary.stopped);
    QVERIFY(QFile::exists(QString::fromStdString(summary.checkpoint)));
    QVERIFY(!c.isRunning());
  }

  void rowsAreBatchedForTheGui() {
    TrainingController c;
    QSignalSpy steps(&c, &TrainingController::steps), finished(&c, &TrainingController::finished);
    c.start(options("batched", 150));
    QVERIFY(finished.wait(120000));
    QCOMPARE(rowCount(steps), 150);
    // Small steps are quick: the worker sends them in batches, far fewer signals than steps.
    QVERIFY2(steps.size() < 150, qPrintable(QString::number(steps.size())));
  }

  void theEventLoopKeepsRunningDuringTraining() {
    TrainingController c;
    QSignalSpy finished(&c, &TrainingController::finished);
    c.start(options("responsive", 100000));
    QElapsedTimer clock;
    clock.start();
    qint64 worstGap = 0, last = 0;
    QTimer tick;
    QObject::connect(&tick, &QTimer::timeout, &tick, [&] {
      worstGap = std::max(worstGap, clock.elapsed() - last);
      last = clock.elapsed();
    });
    tick.start(10);
    QTest::qWait(3000);
    tick.stop();
    c.stop();
    QVERIFY(finished.wait(30000));
    QVERIFY2(worstGap < 250, qPrintable(QString("a 10 ms timer waited %1 ms").arg(worstGap)));
  }

  void errorsArriveAsMessages() {
    TrainingController c;
    QSignalSpy failed(&c, &TrainingController::failed);
    TrainingRunOptions o = options("bad", 10);
    o.corpus.inputs = {m_dir.filePath("missing.txt").toStdString()};
    c.start(o);
    QVERIFY(failed.wait(30000));
    QVERIFY(failed.at(0).at(0).toString().contains("no such file"));
    QVERIFY(!c.isRunning());
    // Usable afterwards: a good run starts.
    QSignalSpy finished(&c, &TrainingController::finished);
    c.start(options("after-error", 3));
    QVERIFY(finished.wait(60000));
  }
};

QTEST_MAIN(TstTrainingController)
#include "tst_training_controller.moc"
