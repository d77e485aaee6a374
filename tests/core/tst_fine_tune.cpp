// Fine-tuning from a pre-trained run (TrainingRunOptions::initFrom): the new run starts from the parent's
// weights with its tokenizer and shape, records where it came from, and on a new corpus of the same kind
// reaches the loss that training from random weights ends at in clearly fewer steps (raceToLoss says so
// too), watching the parent's probes. Bits per byte, so the
// run from scratch may keep its own tokenizer.
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <filesystem>

#include "run/loss_race.h"
#include "run/open_run.h"
#include "run/run_folder.h"
#include "run/training_run.h"
#include "test_data.h"
#include "test_training.h"
#include "util/error.h"

using namespace pretrain;

namespace {

constexpr int64_t kSteps = 120, kEvalEvery = 5;

std::vector<EvalMetrics> evaluations(const std::string& run) {
  std::vector<StepMetrics> steps;
  std::vector<EvalMetrics> evals;
  RunFolder(run).readMetrics(steps, evals);
  return evals;
}

}  // namespace

class TstFineTune : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  std::string m_parent;

  TrainingRunOptions options(const QString& name, const QString& corpus) const {
    TrainingRunOptions o = testdata::smallRunOptions(QDir(m_dir.path()), name);
    o.corpus.inputs = {m_dir.filePath(corpus).toStdString()};
    o.train.steps = kSteps;
    o.train.evalEvery = kEvalEvery;
    o.train.saveEvery = kSteps;
    return o;
  }

 private Q_SLOTS:
  void initTestCase() {
    // Two corpora of the same kind of text, different sentences: pre-training on the first, then the second.
    testdata::writeFile(m_dir.filePath("first.txt"), testdata::textCorpus(80, 10, 1));
    testdata::writeFile(m_dir.filePath("second.txt"), testdata::textCorpus(20, 10, 2));
    TrainingRunOptions o = options("parent", "first.txt");
    o.probes = {{"the", "the"}};
    o.train.steps = 400;
    o.train.saveEvery = 400;
    runTraining(o, {});
    m_parent = o.runDir;
  }

  void fineTuningNeedsFewerStepsThanRandomWeights() {
    const TrainingRunOptions scratch = options("scratch", "second.txt");
    runTraining(scratch, {});
    TrainingRunOptions fine = options("fine", "second.txt");
    fine.initFrom = m_parent;
    runTraining(fine, {});

    const RunConfig config = RunFolder(fine.runDir).readConfig();
    QVERIFY(config.initFrom.has_value());
    QCOMPARE(config.initFrom->step, int64_t(400));
    QCOMPARE(config.initFrom->run, std::filesystem::absolute(m_parent).lexically_normal().string());
    QCOMPARE(config.tokenizerHash,
             RunFolder(m_parent).readConfig().tokenizerHash);  // The parent's tokenizer.
    QCOMPARE(config.initFrom->tokenizerHash, config.tokenizerHash);
    QCOMPARE(RunFolder(fine.runDir).readProbes(), RunFolder(m_parent).readProbes());  // Carried over...
    QCOMPARE(RunFolder(fine.runDir).readProbeResults().size(),
             size_t(kSteps / kEvalEvery));  // ... and watched.

    // The loss the run from random weights ends at, and the step at which each run first reaches it.
    const std::vector<EvalMetrics> s = evaluations(scratch.runDir), f = evaluations(fine.runDir);
    const double target = s.back().bitsPerByte;
    const auto reached = [target](const std::vector<EvalMetrics>& evals) {
      for (const EvalMetrics& e : evals)
        if (e.bitsPerByte <= target) return e.step;
      return int64_t(-1);
    };
    const int64_t fineStep = reached(f);
    qInfo(
        "from scratch: %.3f bits per byte after %lld steps; fine-tuned: reached at step %lld (first "
        "evaluation %.3f vs %.3f)",
        target, static_cast<long long>(kSteps), static_cast<long long>(fineStep), f.front().bitsPerByte,
        s.front().bitsPerByte);
    QVERIFY(fineStep > 0);
    // Found: reached at the first evaluation (step 5 of 120). Asserted with room to spare: a quarter.
    QVERIFY2(fineStep <= kSteps / 4, qPrintable(QString::number(fineStep)));

    // The race to the fine-tuned run's loss at a tenth of its steps: the run from random weights needs
    // several times the tokens, or never gets there.
    const LossRace race = raceToLoss(fine.runDir, scratch.runDir);
    QCOMPARE(race.targetStep, int64_t(15));  // The first evaluation at or after step 12.
    QVERIFY(race.tokensA.has_value());
    qInfo("race: target %.3f bits per byte; scratch %s", race.target,
          race.ratio ? qPrintable(QString("needed %1x the tokens").arg(*race.ratio)) : "never reached it");
    QVERIFY(!race.ratio || *race.ratio > 2);
    QVERIFY_THROWS_EXCEPTION(InputError, raceToLoss(fine.runDir, m_dir.filePath("nowhere").toStdString()));
  }

  void aStepOrAParentThatIsNotThereIsRefused() {
    TrainingRunOptions o = options("bad-step", "second.txt");
    o.initFrom = m_parent;
    o.initStep = 3;  // Not kept.
    try {
      runTraining(o, {});
      QFAIL("no error");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("no checkpoint of step 3"), e.what());
    }
    o = options("bad-parent", "second.txt");
    o.initFrom = m_dir.filePath("nowhere").toStdString();
    QVERIFY_THROWS_EXCEPTION(InputError, runTraining(o, {}));
    QVERIFY(!RunFolder(o.runDir).hasRun());
  }
};

QTEST_GUILESS_MAIN(TstFineTune)
#include "tst_fine_tune.moc"
