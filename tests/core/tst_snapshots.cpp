// The timeline's snapshots (train/snapshot_schedule.h): kept at the log-spaced steps by any run, within
// their budget, and each one the model of its step: evaluated, it gives the validation loss the run
// recorded at that step (within bf16's tolerance), and predictions at a step read it when no checkpoint of
// that step is kept; the studio's timeline loads each as opening it alone would.
#include <torch/torch.h>

#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <filesystem>

#include "infer/predictor.h"
#include "model/language_model.h"
#include "run/open_run.h"
#include "run/run_folder.h"
#include "run/run_timeline.h"
#include "run/training_run.h"
#include "test_data.h"
#include "test_training.h"
#include "train/snapshot_schedule.h"
#include "train/trainer.h"
#include "util/error.h"

using namespace pretrain;

class TstSnapshots : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;

  TrainingRunOptions options(const QString& name) const {
    TrainingRunOptions o = testdata::smallRunOptions(QDir(m_dir.path()), name);
    o.train.saveEvery = 10, o.train.snapshotEvery = 10;
    return o;
  }

  static std::vector<int64_t> steps(const RunFolder& run) {
    std::vector<int64_t> out;
    for (const std::string& s : run.snapshots()) out.push_back(stepOfFile(s));
    return out;
  }

 private Q_SLOTS:
  void initTestCase() { testdata::writeFile(m_dir.filePath("corpus.txt"), testdata::textCorpus(30, 10)); }

  void theScheduleIsLogSpacedThenRegular() {
    std::vector<int64_t> kept;
    for (int64_t s = 0; s <= 1600; ++s)
      if (isSnapshotStep(s, 500)) kept.push_back(s);
    QCOMPARE(kept, (std::vector<int64_t>{0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 500, 512, 1000, 1500}));
  }

  void aRunKeepsThemAndEachIsItsStepsModel() {
    const TrainingRunOptions o = options("timeline");
    runTraining(o, {});
    const RunFolder run(o.runDir);
    QCOMPARE(steps(run), (std::vector<int64_t>{0, 1, 2, 4, 8, 10, 16, 20}));

    // The snapshot of step 10, evaluated, gives the validation loss recorded at step 10.
    std::vector<StepMetrics> history;
    std::vector<EvalMetrics> evals;
    run.readMetrics(history, evals);
    QCOMPARE(evals.front().step, int64_t(10));
    std::filesystem::remove(run.checkpointPath(10));  // So that step 10 can only come from its snapshot.
    const RunModel at10 = openRunModel(o.runDir, 10);
    QVERIFY(QString::fromStdString(at10.checkpoint).contains("/snapshots/"));
    QCOMPARE(at10.step, int64_t(10));
    const auto trainer = openRunTrainer(o.runDir);
    {
      torch::NoGradGuard noGrad;
      const auto from = at10.model->named_parameters();
      for (auto& p : trainer->model()->named_parameters()) p.value().copy_(from[p.key()]);
    }
    const double recorded = evals.front().loss, evaluated = trainer->evaluate().loss;
    qInfo("step 10: validation loss %.5f recorded, %.5f from its bf16 snapshot", recorded, evaluated);
    QVERIFY2(std::abs(recorded - evaluated) < 0.01 * recorded, qPrintable(QString::number(evaluated)));

    // Predictions at a step: the snapshot where no checkpoint is kept; a step with neither is refused.
    QVERIFY(!openRunPredictor(o.runDir, 16)->next("the", 3).candidates.empty());
    try {
      openRunPredictor(o.runDir, 3);
      QFAIL("no error");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("snapshots of steps 0, 1, 2, 4, 8, 10, 16, 20"), e.what());
    }

    // A run with no checkpoint at all (stopped before its first save, as kill -9 leaves one): its latest
    // model is its newest snapshot, said as such; with neither, it has no model yet.
    QVERIFY(!openRunModel(o.runDir, kNewestKept).snapshot);  // While it has a checkpoint: that.
    for (const std::string& c : run.checkpoints()) std::filesystem::remove(c);
    const RunModel newest = openRunModel(o.runDir, kNewestKept);
    QVERIFY(newest.snapshot);
    QCOMPARE(newest.step, int64_t(20));
    QVERIFY_THROWS_EXCEPTION(InputError, openRunModel(o.runDir));  // Its latest checkpoint: none.
    std::filesystem::remove_all(std::filesystem::path(run.snapshots().front()).parent_path());
    QVERIFY_THROWS_EXCEPTION(InputError, openRunModel(o.runDir, kNewestKept));
  }

  // The studio's timeline: every kept step, each model loaded once and equal to opening that step alone,
  // a model held elsewhere never overwritten when the cache reuses evicted models for new steps.
  void theTimelineLoadsEachStepAsOpeningItWould() {
    TrainingRunOptions o = options("timeline-cache");
    o.train.snapshotEvery = 2;  // 12 kept steps: more than the cache holds.
    runTraining(o, {});
    RunTimeline timeline(o.runDir);
    QCOMPARE(timeline.steps(), (std::vector<int64_t>{0, 1, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20}));
    QVERIFY(timeline.steps().size() > RunTimeline::kCacheSize);
    const auto probabilities = [](const Predictor& p) {
      std::vector<double> out;
      for (const TokenCandidate& c : p.next("the", 20).candidates) out.push_back(c.prob);
      return out;
    };
    const std::shared_ptr<const Predictor> held = timeline.predictorAt(4);
    QCOMPARE(timeline.predictorAt(4).get(), held.get());  // Loaded once.
    QVERIFY(timeline.cached(4));
    for (int round = 0; round < 2; ++round)  // Round twice: evicted models take new steps' weights.
      for (const int64_t step : timeline.steps())
        QCOMPARE(&timeline.predictorAt(step)->tokenizer(), &held->tokenizer());  // Loaded once too.
    QVERIFY(!timeline.cached(4));
    QCOMPARE(probabilities(*held), probabilities(*openRunPredictor(o.runDir, 4)));
    for (const int64_t step : {0, 10, 14})
      QCOMPARE(probabilities(*timeline.predictorAt(step)), probabilities(*openRunPredictor(o.runDir, step)));
    QVERIFY(probabilities(*timeline.predictorAt(0)) != probabilities(*timeline.predictorAt(20)));
    QVERIFY_THROWS_EXCEPTION(InputError, timeline.predictorAt(3));
  }

  void theBudgetCapsThem() {
    TrainingRunOptions o = options("budget");
    o.model.dim = 64, o.model.mlpDim = 128;
    o.train.snapshotEvery = 1;  // 21 snapshots of ~110 KB: more than the smallest budget holds.
    o.train.snapshotBudgetMb = 1;
    std::vector<std::string> notes;
    TrainingRunCallbacks cb;
    cb.onNote = [&](const std::string& n) { notes.push_back(n); };
    runTraining(o, cb);
    const RunFolder run(o.runDir);
    qInfo("a 1 MB budget kept %zu of the 21 snapshots (%llu bytes)", steps(run).size(),
          static_cast<unsigned long long>(run.snapshotBytes()));
    QVERIFY(steps(run).size() > 4 && steps(run).size() < 21);
    QVERIFY(run.snapshotBytes() <= (1u << 20));
    QCOMPARE(std::count_if(
                 notes.begin(), notes.end(),
                 [](const std::string& n) { return n.find("reached their budget") != std::string::npos; }),
             1L);
    o = options("none");
    o.train.snapshotBudgetMb = 0;
    runTraining(o, {});
    QVERIFY(RunFolder(o.runDir).snapshots().empty());
  }
};

QTEST_GUILESS_MAIN(TstSnapshots)
#include "tst_snapshots.moc"
