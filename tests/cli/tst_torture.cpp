// The torture suite: what a machine does to a run folder (kill -9 in the middle of a checkpoint save,
// failing writes, flushes and renames, a full disk, a second trainer, signals, readers while it trains),
// done to the real `pretrain` many times. Each case prints one line of figures (qInfo: "torture: ...").
// CI runs a few rounds of each; PRETRAIN_TORTURE_ROUNDS=N runs N (README: the last full run's figures).
// Fault injection needs strace (Debian: strace, in packaging/install-deps.sh); the full disk needs a tmpfs
// mount (root); each case says so and skips where it cannot run.
#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QRandomGenerator>
#include <QtCore/QScopeGuard>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtCore/QThread>
#include <QtTest/QTest>

#include <csignal>

#include "test_cli.h"
#include "test_data.h"
#include "test_metrics.h"

using testdata::pretrain;
using testdata::pretrainPath;
using testdata::Run;
using testdata::runProgram;

namespace {

int rounds(int ci) {
  const int asked = qEnvironmentVariableIntValue("PRETRAIN_TORTURE_ROUNDS");
  return asked > 0 ? asked : ci;
}

bool hasProgram(const QString& name) { return !QStandardPaths::findExecutable(name).isEmpty(); }

// What an interrupted save leaves: NAME.tmp-PID-N files.
int temporariesIn(const QString& dir) { return QDir(dir).entryList({"*.tmp*"}, QDir::Files).size(); }

// The newest checkpoint loads: `pretrain eval` opens the run's model from it.
bool newestCheckpointLoads(const QString& run) {
  return pretrain({"eval", "--run", run, "--json"}).exitCode == 0;
}

}  // namespace

class TstTorture : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  QString path(const QString& name) const { return m_dir.filePath(name); }

  // A model that trains in a moment, fp32 and one thread (bit-exact resume).
  QStringList trainArgs(const QString& out, int steps, const QStringList& extra = {}) const {
    return QStringList{"train",
                       "--corpus",
                       path("corpus.txt"),
                       "--out",
                       path(out),
                       "--vocab-size",
                       "300",
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
                       QString::number(steps),
                       "--threads",
                       "1",
                       "--precision",
                       "fp32",
                       "--eval-every",
                       "1000",
                       "--json"} +
           extra;
  }

 private Q_SLOTS:
  void initTestCase() { testdata::writeFile(path("corpus.txt"), testdata::textCorpus(60, 25)); }

  // SIGKILL within the checkpoint-save window: the folder is watched for the save's temporary file and the
  // process killed as soon as it shows. Every run resumes, ends loss for loss as an uninterrupted one, and
  // leaves no temporary behind once resumed.
  void killDuringCheckpointSaves() {
    const int n = rounds(4);
    const int steps = 40;
    QVERIFY(pretrain(trainArgs("whole", steps)).exitCode == 0);
    const std::vector<double> expected = testdata::trainLosses(path("whole"));
    int identical = 0, midSave = 0, strays = 0;
    for (int i = 0; i < n; ++i) {
      const QString run = QString("killed-%1").arg(i);
      QProcess p;
      p.start(pretrainPath(), trainArgs(run, steps, {"--save-every", "1"}));
      QVERIFY(p.waitForStarted());
      // Wait a random number of steps in, then for the next save's temporary, then kill at once.
      const int after = 3 + QRandomGenerator::global()->bounded(steps - 10);
      QTRY_VERIFY_WITH_TIMEOUT(testdata::trainLosses(path(run)).size() >= size_t(after), 60000);
      const QString checkpoints = path(run + "/checkpoints");
      QElapsedTimer waited;
      waited.start();
      while (temporariesIn(checkpoints) == 0 && waited.elapsed() < 10000) QThread::usleep(200);
      ::kill(pid_t(p.processId()), SIGKILL);
      QVERIFY(p.waitForFinished(10000));
      midSave += temporariesIn(checkpoints) > 0;
      const Run resumed = pretrain(trainArgs(run, steps, {"--save-every", "1"}));
      QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
      identical += testdata::trainLosses(path(run)) == expected;
      strays += temporariesIn(checkpoints);
    }
    qInfo(
        "torture: kill -9 in the checkpoint-save window: %d/%d resumed loss for loss, %d killed with the "
        "save's temporary on disk, %d temporaries left after resuming",
        identical, n, midSave, strays);
    QCOMPARE(identical, n);
    QCOMPARE(strays, 0);
    QVERIFY(midSave > 0);  // The kills did land inside saves.
  }

  // A failing write, flush or rename at each point of a step and its checkpoint save (strace's fault
  // injection): one line and exit 1, never an abort or a hang, and the newest checkpoint on disk still
  // loads. strace counts each process's calls: write 1 is left alone, as when all else works it is the
  // error line itself (and the tokenizer helper's first reply, whose loss the engine reports, in a line
  // that would then be lost).
  void failingWritesFlushesAndRenames() {
    if (!hasProgram("strace")) QSKIP("strace is missing (Debian: strace; packaging/install-deps.sh)");
    if (runProgram("strace", {"-o", "/dev/null", "true"}).exitCode != 0)
      QSKIP("strace cannot trace here (a container without ptrace)");
    // In the asan preset: LeakSanitizer cannot run in a traced process (the rest of ASan can).
    const QByteArray asan = qgetenv("ASAN_OPTIONS");
    qputenv("ASAN_OPTIONS", asan + (asan.isEmpty() ? "" : ":") + "detect_leaks=0");
    const auto restore = qScopeGuard([asan] { qputenv("ASAN_OPTIONS", asan); });
    QVERIFY(pretrain(trainArgs("faults", 3)).exitCode == 0);
    // How many writes one more step and its save make, to spread the injections over them.
    const Run counted =
        runProgram("strace", QStringList{"-f", "-c", "-o", path("count"), "-e", "trace=write"} +
                                 QStringList{pretrainPath()} + trainArgs("faults", 4));
    QVERIFY2(counted.exitCode == 0, counted.err.constData());
    QFile count(path("count"));
    QVERIFY(count.open(QIODevice::ReadOnly));
    int writes = 0;
    for (const QByteArray& line : count.readAll().split('\n'))
      if (line.trimmed().endsWith(" write")) writes = line.simplified().split(' ')[3].toInt();
    QVERIFY(writes > 10);
    const int n = rounds(6);
    QStringList injections;
    for (int i = 0; i < n; ++i) {
      const int when = 2 + (writes - 2) * i / std::max(1, n - 1);
      injections << QString("write:error=ENOSPC:when=%1").arg(when)
                 << QString("write:error=EIO:when=%1").arg(when);
    }
    for (int when = 1; when <= 3; ++when)
      injections << QString("fsync:error=EIO:when=%1").arg(when)
                 << QString("rename:error=EIO:when=%1").arg(when);
    int steps = 4, oneLine = 0, aborts = 0, loads = 0, diskFullSaid = 0;
    for (const QString& injection : injections) {
      const Run r = runProgram("strace",
                               QStringList{"-f", "-o", "/dev/null", "-e", "inject=" + injection} +
                                   QStringList{pretrainPath()} + trainArgs("faults", steps + 1),
                               60);
      aborts += r.exitCode != 0 && r.exitCode != 1;  // a signal, or a hang
      if (r.exitCode == 0) ++steps;
      const QByteArray err = r.err.trimmed();
      oneLine += r.exitCode == 0 || (r.exitCode == 1 && !err.isEmpty() && !err.contains('\n'));
      diskFullSaid += injection.contains("ENOSPC") && err.contains("the disk is full");
      loads += newestCheckpointLoads(path("faults"));
      if (r.exitCode != 0 && r.exitCode != 1)
        qWarning("%s: exit %d: %s", qPrintable(injection), r.exitCode, err.constData());
    }
    qInfo(
        "torture: %lld injected failures (ENOSPC and EIO over %d writes, EIO on fsync and rename): %d "
        "aborts, "
        "%d ended with exit 0 or one line, the newest checkpoint loaded after %d",
        qlonglong(injections.size()), writes, aborts, oneLine, loads);
    QCOMPARE(aborts, 0);
    QCOMPARE(oneLine, int(injections.size()));
    QCOMPARE(loads, int(injections.size()));
  }

  // A tmpfs too small for a checkpoint (or for the token store): the run says the disk is full in one line,
  // and once there is room the same command goes on with no clean-up by hand.
  void aFullDisk() {
    const QString mount = path("small-disk");
    QDir().mkpath(mount);
    // The sizes of the run's data (tokenizer and token store) and of one checkpoint.
    QVERIFY(pretrain(trainArgs("sizing", 1)).exitCode == 0);
    const qint64 checkpoint = QFileInfo(path("sizing/checkpoints/step-00000001.safetensors")).size();
    qint64 data = 0;
    for (const QFileInfo& f : QDir(path("sizing/data")).entryInfoList(QDir::Files)) data += f.size();
    for (const QFileInfo& f : QDir(path("sizing/data/tokens")).entryInfoList(QDir::Files)) data += f.size();
    int cases = 0, succeeded = 0, saidFull = 0, recovered = 0, other = 0;
    const int n = rounds(4);
    for (int i = 0; i < n; ++i) {
      // From a quarter of what the data needs (tokenizing fails) to the data and a checkpoint (saving does).
      const qint64 size = 64 * 1024 + (data + checkpoint) * (i + 1) / n;
      if (runProgram("mount", {"-t", "tmpfs", "-o", QString("size=%1").arg(size), "tmpfs", mount}).exitCode !=
          0)
        QSKIP("cannot mount a tmpfs here (needs root)");
      // The same small model as the sizing run, into the small disk.
      const QStringList args = trainArgs("small-disk/run", 6, {"--save-every", "2"});
      const Run r = pretrain(args);
      ++cases;
      if (r.exitCode == 0) {
        ++succeeded;
      } else if (r.exitCode == 1 && r.err.contains("the disk is full") && !r.err.trimmed().contains('\n')) {
        ++saidFull;
        // Room again (the run moved to a larger disk is the same as space freed): the same command goes on.
        // (The run keeps 3 checkpoints and writes a 4th before pruning.)
        runProgram("mount", {"-o", QString("remount,size=%1").arg(data + 6 * checkpoint + (1 << 20)), mount});
        const Run again = pretrain(args);
        recovered += again.exitCode == 0;
        if (again.exitCode != 0)
          qWarning("with room again: exit %d: %s", again.exitCode, again.err.constData());
      } else {
        ++other;
        qWarning("exit %d: %s", r.exitCode, r.err.constData());
      }
      runProgram("umount", {mount});
    }
    qInfo(
        "torture: full disk, %d sizes from part of the token store to a checkpoint more: %d succeeded, %d "
        "said "
        "\"disk full\" in one line, %d of those went on with the same command once there was room, %d other",
        cases, succeeded, saidFull, recovered, other);
    QCOMPARE(other, 0);
    QCOMPARE(recovered, saidFull);
    QVERIFY(saidFull > 0);
  }

  // Two trainers on one folder started 0.1 s apart: the second is refused within a second, naming the first.
  void aSecondTrainer() {
    const int n = rounds(2);
    int refused = 0;
    qint64 slowest = 0;
    for (int i = 0; i < n; ++i) {
      const QString run = QString("two-%1").arg(i);
      QVERIFY(pretrain(trainArgs(run, 1)).exitCode == 0);
      QProcess first;
      first.start(pretrainPath(), trainArgs(run, 100000));
      QVERIFY(first.waitForStarted());
      // Once the first holds the run (it names itself in the lock file), the second comes 0.1 s later.
      QTRY_VERIFY_WITH_TIMEOUT(
          [&] {
            QFile lock(path(run + "/writer.lock"));
            return lock.open(QIODevice::ReadOnly) &&
                   lock.readAll().contains(QByteArray::number(first.processId()));
          }(),
          60000);
      QThread::msleep(100);
      QElapsedTimer t;
      t.start();
      const Run second = pretrain(trainArgs(run, 100000));
      slowest = std::max(slowest, t.elapsed());
      refused += second.exitCode == 1 && second.err.contains("is being trained by process");
      ::kill(pid_t(first.processId()), SIGINT);
      QVERIFY(first.waitForFinished(30000));
    }
    qInfo("torture: a second trainer on a folder in use: %d/%d refused, the slowest in %lld ms", refused, n,
          qlonglong(slowest));
    QCOMPARE(refused, n);
    QVERIFY(slowest < 5000);  // Loading LibTorch is most of it.
  }

  // SIGINT, SIGTERM and SIGHUP at random steps: each leaves a checkpoint of the step it stopped at.
  void signalsAtRandomSteps() {
    const int n = rounds(2);
    int fresh = 0, total = 0;
    for (const int signal : {SIGINT, SIGTERM, SIGHUP}) {
      for (int i = 0; i < n; ++i, ++total) {
        const QString run = QString("signal-%1-%2").arg(signal).arg(i);
        QProcess p;
        p.start(pretrainPath(), trainArgs(run, 100000));
        QVERIFY(p.waitForStarted());
        const int at = 2 + QRandomGenerator::global()->bounded(30);
        QTRY_VERIFY_WITH_TIMEOUT(testdata::trainLosses(path(run)).size() >= size_t(at), 60000);
        ::kill(pid_t(p.processId()), signal);
        QVERIFY(p.waitForFinished(30000));
        const int logged = int(testdata::trainLosses(path(run)).size());
        fresh += p.exitCode() == 130 &&
                 QFile::exists(path(run + "/checkpoints/step-%1.safetensors").arg(logged, 8, 10, QChar('0')));
      }
    }
    qInfo("torture: SIGINT, SIGTERM, SIGHUP at random steps: %d/%d left a checkpoint of the last logged step",
          fresh, total);
    QCOMPARE(fresh, total);
  }

  // Readers while a run trains and saves every step: every `pretrain next` answers.
  void readersWhileSavingEveryStep() {
    const int n = rounds(10);
    QProcess trainer;
    trainer.start(pretrainPath(), trainArgs("read", 1000000, {"--save-every", "1"}));
    QVERIFY(trainer.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(QDir(path("read/checkpoints")).entryList({"step-*.safetensors"}).size() > 0,
                             60000);
    int answered = 0;
    for (int i = 0; i < n; ++i) {
      const auto r = pretrain({"next", "--run", path("read"), "--prompt", "the", "--json"});
      answered += r.exitCode == 0;
      if (r.exitCode != 0 && answered == i) qWarning("reader %d: %s", i, r.err.constData());  // The first.
    }
    ::kill(pid_t(trainer.processId()), SIGINT);
    QVERIFY(trainer.waitForFinished(30000));
    qInfo("torture: pretrain next while the run saves every step: %d/%d answered", answered, n);
    QCOMPARE(answered, n);
  }
};

QTEST_GUILESS_MAIN(TstTorture)
#include "tst_torture.moc"
