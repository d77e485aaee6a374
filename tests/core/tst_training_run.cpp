#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <sys/resource.h>
#include <unistd.h>

#include <cmath>
#include <csignal>

#include <filesystem>
#include <fstream>

#include "run/probe_json.h"
#include "run/run_folder.h"
#include "run/run_follower.h"
#include "run/run_lock.h"
#include "run/training_run.h"
#include "test_metrics.h"
#include "test_tokenizer.h"
#include "test_training.h"
#include "util/error.h"

using namespace pretrain;

class TstTrainingRun : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;

  TrainingRunOptions options(const QString& name) const {
    return testdata::smallRunOptions(QDir(m_dir.path()), name);
  }

  static std::vector<double> run(const TrainingRunOptions& o, TrainingRunCallbacks cb = {}) {
    std::vector<double> losses;
    cb.onStep = [&](const StepMetrics& s) { losses.push_back(s.trainLoss); };
    runTraining(o, cb);
    return losses;
  }

  static QList<QByteArray> metricLines(const std::string& dir) {
    QFile f(QString::fromStdString(RunFolder(dir).metricsPath()));
    QList<QByteArray> lines;
    if (f.open(QIODevice::ReadOnly))
      for (const QByteArray& l : f.readAll().split('\n'))
        if (!l.isEmpty()) lines.push_back(l);
    return lines;
  }

 private Q_SLOTS:
  void initTestCase() { testdata::writeFile(m_dir.filePath("corpus.txt"), testdata::textCorpus(30, 10)); }

  void runFolderLayoutAndPruning() {
    TrainingRunOptions o = options("plain");
    // The corpus named from the folder the run starts in: recorded so that it reads the same from anywhere.
    const QString corpus = QString::fromStdString(o.corpus.inputs.front());
    o.corpus.inputs = {QDir::current().relativeFilePath(corpus).toStdString()};
    QVERIFY(QDir::isRelativePath(QString::fromStdString(o.corpus.inputs.front())));
    const auto losses = run(o);
    QCOMPARE(losses.size(), size_t(20));
    const RunFolder folder(o.runDir);
    QVERIFY(folder.hasRun());
    QCOMPARE(folder.readConfig().model.vocabSize, 400);
    QCOMPARE(folder.readConfig().corpus, std::vector<std::string>{corpus.toStdString()});
    QCOMPARE(metricLines(o.runDir).size(), 20);
    const auto checkpoints = folder.checkpoints();  // Every 5 steps, only the last 2 kept.
    QCOMPARE(checkpoints.size(), size_t(2));
    QVERIFY(QString::fromStdString(checkpoints[0]).endsWith("step-00000015.safetensors"));
    QVERIFY(QString::fromStdString(checkpoints[1]).endsWith("step-00000020.safetensors"));
    // A second start in the same folder is refused; the run is untouched.
    QVERIFY_THROWS_EXCEPTION(InputError, runTraining(o, {}));
    QCOMPARE(metricLines(o.runDir).size(), 20);
  }

  void pauseChangesNothing() {
    const auto straight = run(options("straight"));
    int calls = 0, stepsWhilePaused = 0, stepsSoFar = 0;
    bool paused = false;
    TrainingRunCallbacks cb;
    cb.control = [&] {
      ++calls;
      paused = stepsSoFar == 7 && calls < 40;  // Paused for ~30 polls at step 7.
      return paused ? RunCommand::Pause : RunCommand::Continue;
    };
    std::vector<double> losses;
    cb.onStep = [&](const StepMetrics& s) {
      stepsWhilePaused += paused;
      ++stepsSoFar;
      losses.push_back(s.trainLoss);
    };
    runTraining(options("paused"), cb);
    QVERIFY(calls >= 30);
    QCOMPARE(stepsWhilePaused, 0);
    QCOMPARE(losses, straight);
  }

  void stopThenResume() {
    const auto straight = run(options("straight2"));
    TrainingRunOptions o = options("stopped");
    int steps = 0;
    TrainingRunCallbacks cb;
    cb.onStep = [&](const StepMetrics&) { ++steps; };
    cb.control = [&] { return steps == 12 ? RunCommand::Stop : RunCommand::Continue; };
    const TrainingRunSummary first = runTraining(o, cb);
    QVERIFY(first.stopped);
    QCOMPARE(first.endStep, int64_t(12));
    QVERIFY(QString::fromStdString(first.checkpoint)
                .endsWith("step-00000012.safetensors"));  // Saved at the stop.
    o.resume = true;
    const auto rest = run(o);
    QCOMPARE(rest.size(), size_t(8));
    QCOMPARE(metricLines(o.runDir).size(), 20);
    for (size_t i = 0; i < rest.size(); ++i) QCOMPARE(rest[i], straight[12 + i]);
  }

  void resumeAfterACrashDropsStepsPastTheCheckpoint() {
    TrainingRunOptions o = options("crashed");
    run(o);
    // As if the process died after step 20 was logged but before its checkpoint landed.
    std::filesystem::remove(RunFolder(o.runDir).checkpointPath(20));
    o.resume = true;
    const auto rest = run(o);
    QCOMPARE(rest.size(), size_t(5));  // 16..20 again, from the step-15 checkpoint.
    const auto lines = metricLines(o.runDir);
    QCOMPARE(lines.size(), 20);  // No step logged twice.
    for (int i = 0; i < 20; ++i) QVERIFY(lines[i].contains("\"step\":" + QByteArray::number(i + 1) + ","));

    // Killed before any checkpoint landed: it goes again from step 0, the same steps with the same seed.
    for (const std::string& c : RunFolder(o.runDir).checkpoints()) std::filesystem::remove(c);
    const auto before = testdata::trainLosses(QString::fromStdString(o.runDir));
    QCOMPARE(run(o).size(), size_t(20));
    QCOMPARE(testdata::trainLosses(QString::fromStdString(o.runDir)), before);
  }

  void probesRecordOnePointPerEvaluation() {
    TrainingRunOptions o = options("probed");
    o.probes = {{"the cat sat on the", "mat"}, {"the [MASK] sat on the mat", "cat"}};
    std::vector<std::vector<ProbeResult>> seen;
    TrainingRunCallbacks cb;
    cb.onProbes = [&](const std::vector<ProbeResult>& r) { seen.push_back(r); };
    // A probe pinned while the run goes on joins at the next evaluation.
    cb.probes = [&] {
      auto probes = o.probes;
      if (!seen.empty()) probes.push_back({"the cat sat", "on"});
      return probes;
    };
    run(o, cb);
    QCOMPARE(seen.size(), size_t(2));  // Evaluations at steps 10 and 20.
    QCOMPARE(seen[0].size(), size_t(2));
    QCOMPARE(seen[1].size(), size_t(3));
    for (const auto& evaluation : seen)
      for (const ProbeResult& r : evaluation) QVERIFY(r.prob > 0 && r.prob <= 1 && r.rank >= 1);
    const RunFolder folder(o.runDir);
    QCOMPARE(folder.readProbes().size(), size_t(3));  // Saved with the run.
    const auto history = folder.readProbeResults();
    QCOMPARE(history.size(), size_t(5));
    QCOMPARE(history[4].step, int64_t(20));
    QCOMPARE(history[4].probe, 2);
    QCOMPARE(history[4].prob, seen[1][2].prob);

    // Resuming from the step-15 checkpoint drops the step-20 results and records them again.
    std::filesystem::remove(folder.checkpointPath(20));
    o.resume = true;
    o.probes.clear();  // The run's own list is kept.
    run(o);
    QCOMPARE(folder.readProbeResults().size(), size_t(5));
    QCOMPARE(folder.readProbes().size(), size_t(3));
  }

  void badProbesAreRefused() {
    QVERIFY_THROWS_EXCEPTION(InputError, parseProbe("no arrow"));
    QVERIFY_THROWS_EXCEPTION(InputError, parseProbe("a [MASK] b [MASK]=>x"));
    QVERIFY_THROWS_EXCEPTION(InputError, parseProbe("prompt=> "));
    QCOMPARE(parseProbe("I love => to=>eat").target, std::string("eat"));
    QVERIFY_THROWS_EXCEPTION(InputError, probesFromJson("{\"probes\": [{\"text\": 1}]}"));
  }

  void nonFiniteValuesReadBackAndDamagedLinesAreSkipped() {
    const RunFolder f(m_dir.filePath("nonfinite").toStdString());
    std::filesystem::create_directories(f.dir());
    StepMetrics s;
    s.step = 1;
    s.trainLoss = std::nan("");
    s.gradNorm = INFINITY;
    s.skipped = true;
    EvalMetrics e;
    e.step = 1;
    e.loss = e.perplexity = std::nan("");  // An evaluation with nothing to evaluate.
    f.appendMetrics(s, &e);
    std::ofstream(f.metricsPath(), std::ios::app)
        << "{\"step\": \"seven\"}\n{\n[1, 2]\n"
        << "{\"step\": 2, \"train_loss\": null, \"lr\": \"high\"}\n";
    std::vector<StepMetrics> steps;
    std::vector<EvalMetrics> evals;
    QCOMPARE(f.readMetrics(steps, evals), 3);  // Three lines that are not a step's, skipped and counted.
    QCOMPARE(steps.size(), size_t(2));
    QVERIFY(std::isnan(steps[0].trainLoss) && std::isinf(steps[0].gradNorm) && steps[0].skipped);
    QVERIFY(evals.size() == 1 && std::isnan(evals[0].loss));
    QVERIFY(std::isnan(steps[1].trainLoss) && std::isnan(steps[1].lr));
    ProbeResult r;
    QVERIFY(probeResultFromJson(probeResultToJson({4, 0, std::nan(""), 0}), r) && std::isnan(r.prob));
    QVERIFY(!probeResultFromJson("{\"step\": 4, \"probe\": \"zero\"}", r));
  }

  void aFailedCheckpointSaveLosesNothing() {
    // A file-size limit makes writes fail part-way through a checkpoint, as a full disk does: the save
    // fails with one message (no abort), leaves no temporary, keeps the checkpoints before it, and the
    // run goes on from the newest of them once writes work again.
    TrainingRunOptions o = options("sizelimit");
    o.train.steps = 10;
    run(o);
    const RunFolder f(o.runDir);
    const auto before = f.checkpoints();
    QCOMPARE(before.size(), size_t(2));  // 5 and 10
    const qint64 size = QFileInfo(QString::fromStdString(before.back())).size();
    o.resume = true;
    o.train.steps = 15;
    o.resumeChanges = {o.train, {"steps"}};
    std::signal(SIGXFSZ, SIG_IGN);  // A write past the limit fails (EFBIG) instead of ending the process.
    rlimit old{};
    getrlimit(RLIMIT_FSIZE, &old);
    rlimit small = old;
    small.rlim_cur = rlim_t(size / 2);
    setrlimit(RLIMIT_FSIZE, &small);
    QString message;
    try {
      run(o);
    } catch (const IoError& e) {
      message = e.what();
    }
    setrlimit(RLIMIT_FSIZE, &old);
    QVERIFY2(message.startsWith("cannot write checkpoint ") && message.contains("step-00000015.safetensors"),
             qPrintable(message));
    QCOMPARE(f.checkpoints(), before);
    for (const auto& e : std::filesystem::directory_iterator(f.checkpointsDir()))
      QVERIFY2(e.path().filename().string().find(".tmp") == std::string::npos, e.path().c_str());
    const auto rest = run(o);
    QCOMPARE(rest.size(), size_t(5));  // 11..15, from the step-10 checkpoint.
  }

  void aDamagedLatestCheckpointIsPassedOver() {
    TrainingRunOptions o = options("damagedlatest");
    run(o);
    const RunFolder f(o.runDir);
    const auto checkpoints = f.checkpoints();  // 15 and 20
    std::filesystem::resize_file(checkpoints.back(), 1000);
    o.resume = true;
    o.train.steps = 20;
    o.resumeChanges = {o.train, {"steps"}};
    std::vector<std::string> notes;
    TrainingRunCallbacks cb;
    cb.onNote = [&](const std::string& n) { notes.push_back(n); };
    QCOMPARE(run(o, cb).size(), size_t(5));  // 16..20 again, from step 15.
    QVERIFY(!notes.empty() && notes[0].find("step-00000020.safetensors is damaged") != std::string::npos &&
            notes[0].find("trying the one before it") != std::string::npos);
    // With every checkpoint damaged the run is refused, not started over.
    for (const std::string& c : f.checkpoints()) std::filesystem::resize_file(c, 1000);
    QVERIFY_THROWS_EXCEPTION(InputError, run(o));
    QCOMPARE(metricLines(o.runDir).size(), 20);
  }

  void anUnreadableCheckpointFolderIsAnError() {
    TrainingRunOptions o = options("nocheckpoints");
    o.train.steps = 5;
    run(o);
    const RunFolder f(o.runDir);
    std::filesystem::remove_all(f.checkpointsDir());
    testdata::writeFile(QString::fromStdString(f.checkpointsDir()), "not a folder");
    o.resume = true;
    QVERIFY_THROWS_EXCEPTION(IoError, run(o));  // Not "no checkpoint": that would start the run over.
    QCOMPARE(metricLines(o.runDir).size(), 5);
  }

  void aNewRunIsNotWrittenIntoAForeignFolder() {
    TrainingRunOptions o = options("home");
    std::filesystem::create_directories(o.runDir);
    testdata::writeFile(m_dir.filePath("home/notes.txt"), "mine");
    try {
      run(o);
      QFAIL("a run was written into a folder holding someone's files");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("already holds 'notes.txt'"), e.what());
    }
    QCOMPARE(QDir(m_dir.filePath("home")).entryList(QDir::NoDotAndDotDot | QDir::AllEntries),
             QStringList{"notes.txt"});
  }

  void leftoversOfInterruptedSavesAreRemoved() {
    TrainingRunOptions o = options("leftovers");
    o.train.steps = 5;
    run(o);
    const RunFolder f(o.runDir);
    testdata::writeFile(QString::fromStdString(f.checkpointPath(10)) + ".tmp-999-0", "half");
    testdata::writeFile(QString::fromStdString(f.configPath()) + ".tmp-999-1", "half");
    // A replacement of the token store that stopped between its two renames: the old copy is the only one.
    const std::string tokens = f.dataDir() + "/tokens";
    std::filesystem::rename(tokens, tokens + ".old-999");
    o.resume = true;
    o.train.steps = 6;
    o.resumeChanges = {o.train, {"steps"}};
    run(o);
    QCOMPARE(QDir(QString::fromStdString(f.checkpointsDir())).entryList({"*.tmp*"}), QStringList());
    QCOMPARE(QDir(QString::fromStdString(f.dir())).entryList({"*.tmp*"}), QStringList());
    QVERIFY(std::filesystem::exists(tokens + "/manifest.json"));  // Put back, and the run went on with it.
  }

  void appendsNeverFollowAPlantedSymlink() {
    const RunFolder f(m_dir.filePath("planted").toStdString());
    std::filesystem::create_directories(f.dir());
    testdata::writeFile(m_dir.filePath("precious.txt"), "mine\n");
    std::filesystem::create_symlink(m_dir.filePath("precious.txt").toStdString(), f.metricsPath());
    QVERIFY_THROWS_EXCEPTION(IoError, f.appendMetrics(StepMetrics{}, nullptr));
    QFile precious(m_dir.filePath("precious.txt"));
    QVERIFY(precious.open(QIODevice::ReadOnly));
    QCOMPARE(precious.readAll(), QByteArray("mine\n"));
  }

  void checkpointsPastStepTenToTheEighthCount() {
    const RunFolder f(m_dir.filePath("longrun").toStdString());
    std::filesystem::create_directories(f.checkpointsDir());
    for (int64_t step : {99999999LL, 100000000LL, 2LL})
      testdata::writeFile(QString::fromStdString(f.checkpointPath(step)), "x");
    QVERIFY(QString::fromStdString(f.latestCheckpoint()).endsWith("step-100000000.safetensors"));
    QCOMPARE(f.checkpoints().size(), size_t(3));
  }

  void oneWriterAtATime() {
    const TrainingRunOptions o = options("locked");
    {
      const RunWriterLock held(o.runDir);
      const auto writer = runWriter(o.runDir);
      QVERIFY(writer);
      QCOMPARE(writer->pid, int64_t(getpid()));
      // A second writer (another process, or another run in this one) is refused, naming the first.
      try {
        runTraining(o, {});
        QFAIL("a second writer was let in");
      } catch (const InputError& e) {
        QVERIFY2(QString(e.what()).contains(QString("is being trained by process %1 on ").arg(getpid())),
                 e.what());
      }
      QVERIFY(!RunFolder(o.runDir).hasRun());
    }
    QVERIFY(!runWriter(o.runDir));
    run(o);
    QVERIFY(!runWriter(o.runDir));  // Let go when the run ends.
  }

  void followerReadsWhatIsAppended() {
    const RunFolder f(m_dir.filePath("followed").toStdString());
    std::filesystem::create_directories(f.checkpointsDir());
    RunConfig config;
    config.train.steps = 50;
    f.writeConfig(config);
    RunFollower follower(f.dir());
    RunUpdate u = follower.poll();
    QVERIFY(u.fromStart);
    QVERIFY(u.steps.empty());
    QCOMPARE(u.train.steps, int64_t(50));
    QVERIFY(u.probes && u.probes->empty());
    QVERIFY(!u.writer);
    StepMetrics s;
    s.step = 1;
    f.appendMetrics(s, nullptr);
    s.step = 2;
    EvalMetrics e;
    e.step = 2;
    e.loss = 3;
    f.appendMetrics(s, &e);
    std::ofstream(f.metricsPath(), std::ios::app) << "{\"step\": 3, \"train";  // Still being written.
    u = follower.poll();
    QVERIFY(!u.fromStart);
    QCOMPARE(u.steps.size(), size_t(2));
    QCOMPARE(u.evals.size(), size_t(1));
    QVERIFY(!u.probes);
    QVERIFY(u.newCheckpoint.empty());
    std::ofstream(f.metricsPath(), std::ios::app) << "_loss\": 1.5}\n";
    u = follower.poll();
    QCOMPARE(u.steps.size(), size_t(1));  // The line, whole, once.
    QCOMPARE(u.steps[0].step, int64_t(3));
    QCOMPARE(u.steps[0].trainLoss, 1.5);
    QVERIFY(follower.poll().steps.empty());
    std::ofstream(f.checkpointPath(3)) << "weights";
    QVERIFY(QString::fromStdString(follower.poll().newCheckpoint).endsWith("step-00000003.safetensors"));
    QVERIFY(follower.poll().newCheckpoint.empty());
    // Resumed from an older checkpoint, the writer cuts the history: it is read again from the start.
    f.truncateHistoryAfter(2);
    u = follower.poll();
    QVERIFY(u.fromStart);
    QCOMPARE(u.steps.size(), size_t(2));
    // A new length, and a process that writes the run.
    config.train.steps = 80;
    f.writeConfig(config);
    const RunWriterLock lock(f.dir());
    u = follower.poll();
    QCOMPARE(u.train.steps, int64_t(80));
    QVERIFY(u.writer);
    QCOMPARE(u.writer->pid, int64_t(getpid()));
  }
};

QTEST_GUILESS_MAIN(TstTrainingRun)
#include "tst_training_run.moc"
