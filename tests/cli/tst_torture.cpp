// The torture suite: what a machine does to a run folder (kill -9 in the middle of a checkpoint save,
// failing writes, flushes and renames, a full disk, a second trainer, signals, readers while it trains),
// done to the real `pretrain` many times. Each case prints one line of figures (qInfo: "torture: ...").
// CI runs a few rounds of each; PRETRAIN_TORTURE_ROUNDS=N runs N (docs/reliability.md: the last full run).
// The random kill and signal points come from one seed, printed first; PRETRAIN_TORTURE_SEED=S repeats them.
// Fault injection needs strace (Debian: strace, in packaging/install-deps.sh); the full disk needs a tmpfs
// mount (root); each case says so and skips where it cannot run.
#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
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

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <map>

#include "test_cli.h"
#include "test_data.h"
#include "test_metrics.h"
#include "test_skip.h"

using testdata::pretrain;
using testdata::pretrainPath;
using testdata::Run;
using testdata::runProgram;

namespace {

int rounds(int ci) {
  const int asked = qEnvironmentVariableIntValue("PRETRAIN_TORTURE_ROUNDS");
  return asked > 0 ? asked : ci;
}

quint32 seed() {
  bool given = false;
  const quint32 asked = qEnvironmentVariable("PRETRAIN_TORTURE_SEED").toUInt(&given);
  return given ? asked : QRandomGenerator::global()->generate();
}

bool hasProgram(const QString& name) { return !QStandardPaths::findExecutable(name).isEmpty(); }

// What an interrupted save leaves: NAME.tmp-PID-N files.
int temporariesIn(const QString& dir) { return QDir(dir).entryList({"*.tmp*"}, QDir::Files).size(); }

// The newest checkpoint loads: `pretrain eval` opens the run's model from it.
bool newestCheckpointLoads(const QString& run) {
  return pretrain({"eval", "--run", run, "--json"}).exitCode == 0;
}

// strace -f -y -o LOG: "PID write(FD</path>, ...", "PID rename(\"/path\", ...". For each thread, the ordinals
// of its `call`s (as strace's when= counts them) on files under `dir`; those of the thread that makes most.
QList<int> callsInto(const QString& log, const QByteArray& call, const QString& dir) {
  QFile f(log);
  if (!f.open(QIODevice::ReadOnly)) return {};
  std::map<QByteArray, int> count;
  std::map<QByteArray, QList<int>> into;
  for (const QByteArray& line : f.readAll().split('\n')) {
    const QByteArray pid = line.left(line.indexOf(' '));
    const QByteArray made = line.mid(pid.size()).trimmed();
    if (!made.startsWith(call + '(')) continue;  // "<... write resumed>" lines finish a call already counted
    const int ordinal = ++count[pid];
    if (made.left(made.indexOf(')')).contains(dir.toUtf8() + '/')) into[pid] << ordinal;
  }
  QList<int> most;
  for (const auto& [pid, ordinals] : into)
    if (ordinals.size() > most.size()) most = ordinals;
  return most;
}

// `count` of `ordinals`, spread from the first to the last.
QList<int> spread(const QList<int>& ordinals, int count) {
  QList<int> out;
  for (int i = 0; i < count && !ordinals.isEmpty(); ++i)
    out << ordinals[qsizetype(ordinals.size() - 1) * i / std::max(1, count - 1)];
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// The calls strace's log marks as failed by injection.
// A call strace split because another thread's call came between ("PID write(5</run/x>, ... <unfinished
// ...>", then "PID <... write resumed>...") is joined again, so that it still names its file.
QList<QByteArray> injectedCalls(const QString& log) {
  QFile f(log);
  QList<QByteArray> out;
  if (!f.open(QIODevice::ReadOnly)) return out;
  std::map<QByteArray, QByteArray> unfinished;  // by PID
  for (const QByteArray& line : f.readAll().split('\n')) {
    const QByteArray pid = line.left(line.indexOf(' '));
    if (line.endsWith("<unfinished ...>")) unfinished[pid] = line.left(200);
    if (!line.endsWith("(INJECTED)")) continue;
    out << (line.contains(" resumed>") ? unfinished[pid] + " ... " : QByteArray()) + line.left(200);
  }
  return out;
}

}  // namespace

class TstTorture : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  QRandomGenerator m_random;  // Where kills and signals land (seed()).
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
  void initTestCase() {
    const quint32 s = seed();
    m_random.seed(s);
    qInfo("torture: seed %u (PRETRAIN_TORTURE_SEED=%u repeats these kill and signal points)", s, s);
    testdata::writeFile(path("corpus.txt"), testdata::textCorpus(60, 25));
  }

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
      const int after = 3 + m_random.bounded(steps - 10);
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
  // injection). Each injection must fire (strace's log marks the call INJECTED); one that fails a call on a
  // file of the run ends the run with one line and exit 1 (ENOSPC saying the disk is full), one on another
  // file (a pipe, the terminal) with exit 0 or that one line, never an abort or a hang; and the newest
  // checkpoint on disk still loads. strace's when=N counts each thread's calls, so the Nth calls are chosen
  // from one counted run, thread by thread, among the writes into the run folder.
  void failingWritesFlushesAndRenames() {
    if (!hasProgram("strace"))
      PRETRAIN_SKIP_UNLESS_SET_UP("strace is missing (Debian: strace; packaging/install-deps.sh)");
    if (runProgram("strace", {"-o", "/dev/null", "true"}).exitCode != 0)
      PRETRAIN_SKIP_UNLESS_SET_UP("strace cannot trace here (a container without ptrace)");
    // In the asan preset: LeakSanitizer cannot run in a traced process (the rest of ASan can).
    const QByteArray asan = qgetenv("ASAN_OPTIONS");
    qputenv("ASAN_OPTIONS", asan + (asan.isEmpty() ? "" : ":") + "detect_leaks=0");
    const auto restore = qScopeGuard([asan] { qputenv("ASAN_OPTIONS", asan); });
    // Each injection goes into a copy of the same run at step 3, which it takes one step further: every
    // run makes the same calls, counted once, so each when=N lands on a call into the run.
    QVERIFY(pretrain(trainArgs("faults", 3)).exitCode == 0);
    const auto copyOfRun = [this](const QString& name) {
      std::filesystem::copy(path("faults").toStdString(), path(name).toStdString(),
                            std::filesystem::copy_options::recursive);
      return path(name);
    };
    const QString counting = copyOfRun("faults-counted");
    const Run counted =
        runProgram("strace", QStringList{"-f", "-y", "-o", path("count"), "-e", "trace=write,fsync,rename"} +
                                 QStringList{pretrainPath()} + trainArgs("faults-counted", 4));
    QVERIFY2(counted.exitCode == 0, counted.err.constData());
    // Not a thread's first write: the Nth call of every thread is failed, the tokenizer helper's too, and a
    // first write is the helper's greeting or the error line itself.
    QList<int> runWrites = callsInto(path("count"), "write", counting);
    runWrites.removeAll(1);
    QVERIFY2(runWrites.size() > 5, qPrintable(QString::number(runWrites.size())));
    QStringList injections;
    for (const int when : spread(runWrites, rounds(6)))
      injections << QString("write:error=ENOSPC:when=%1").arg(when)
                 << QString("write:error=EIO:when=%1").arg(when);
    for (const char* call : {"fsync", "rename"})
      for (const int when : spread(callsInto(path("count"), call, counting), 3))
        injections << QString("%1:error=EIO:when=%2").arg(call).arg(when);
    int fired = 0, onRunFiles = 0, oneLine = 0, loads = 0;
    for (int i = 0; i < injections.size(); ++i) {
      const QString& injection = injections[i];
      const QString name = QString("faults-%1").arg(i), run = copyOfRun(name);
      const QString call = injection.section(':', 0, 0), log = path("injected");
      const Run r =
          runProgram("strace",
                     QStringList{"-f", "-y", "-o", log, "-e", "trace=" + call, "-e", "inject=" + injection} +
                         QStringList{pretrainPath()} + trainArgs(name, 4),
                     60);
      const QList<QByteArray> failed = injectedCalls(log);
      const bool hitRun = std::any_of(failed.begin(), failed.end(),
                                      [&](const QByteArray& c) { return c.contains(run.toUtf8()); });
      const QByteArray err = r.err.trimmed();
      const bool saidOneLine = r.exitCode == 1 && !err.isEmpty() && !err.contains('\n');
      const bool diskFull = !injection.contains("ENOSPC") || err.contains("the disk is full");
      const bool ok =
          !failed.isEmpty() && (hitRun ? saidOneLine && diskFull : r.exitCode == 0 || saidOneLine);
      fired += !failed.isEmpty();
      onRunFiles += hitRun;
      oneLine += ok;
      loads += newestCheckpointLoads(run);
      if (!ok)
        qWarning("%s: exit %d, %lld calls failed (%s): %s", qPrintable(injection), r.exitCode,
                 qlonglong(failed.size()), failed.isEmpty() ? "" : failed.front().constData(),
                 err.constData());
    }
    qInfo(
        "torture: %lld injected failures (ENOSPC and EIO over %lld writes into the run, EIO on fsync and "
        "rename): "
        "%d fired, %d on the run's files; %d ended as they should (a failure on the run's files: one line, "
        "exit "
        "1, ENOSPC saying the disk is full); the newest checkpoint loaded after %d",
        qlonglong(injections.size()), qlonglong(runWrites.size()), fired, onRunFiles, oneLine, loads);
    QCOMPARE(fired, int(injections.size()));
    QCOMPARE(oneLine, int(injections.size()));
    QCOMPARE(loads, int(injections.size()));
    QCOMPARE(onRunFiles, int(injections.size()));  // Each on a call into the run (and maybe others).
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
        PRETRAIN_SKIP_UNLESS_SET_UP("cannot mount a tmpfs here (needs root)");
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
        const int at = 2 + m_random.bounded(30);
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
