// `pretrain train` as processes of one data-parallel run: started with the variables torchrun sets, and by
// Debian's torchrun itself. Two processes of batch B/2 train as one of batch B, write the run folder once,
// hold the same weights, and stop together.
#include <QtCore/QCoreApplication>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <csignal>

#include "test_cli.h"
#include "test_data.h"
#include "test_metrics.h"
#include "test_network.h"
#include "test_process.h"
#include "test_skip.h"

using testdata::pretrainPath;

namespace {

bool close(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size() || a.empty()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::abs(a[i] - b[i]) > 1e-5) return false;
  return true;
}

}  // namespace

class TstPretrainDataParallel : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  QString path(const QString& name) const { return m_dir.filePath(name); }

  // A small model on a small corpus, fp32, one thread per process.
  QStringList trainArgs(const QString& out, int batch, int steps) const {
    return {"train",
            "--corpus",
            path("corpus.txt"),
            "--out",
            path(out),
            "--vocab-size",
            "300",
            "--layers",
            "2",
            "--heads",
            "2",
            "--dim",
            "32",
            "--context",
            "16",
            "--batch",
            QString::number(batch),
            "--steps",
            QString::number(steps),
            "--lr",
            "3e-3",
            "--warmup",
            "5",
            "--eval-every",
            "10",
            "--threads",
            "1",
            "--precision",
            "fp32",
            "--json"};
  }

  // One process of a group of `world`, with the variables torchrun would set.
  QProcess* startMember(int rank, int world, int port, const QStringList& args) {
    auto* p = new QProcess(this);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("RANK", QString::number(rank));
    env.insert("LOCAL_RANK", QString::number(rank));
    env.insert("WORLD_SIZE", QString::number(world));
    env.insert("LOCAL_WORLD_SIZE", QString::number(world));
    env.insert("MASTER_ADDR", "127.0.0.1");
    env.insert("MASTER_PORT", QString::number(port));
    p->setProcessEnvironment(env);
    p->start(pretrainPath(), args);
    return p;
  }

  static QJsonObject finish(QProcess* p, int expectedExit = 0) {
    if (!p->waitForFinished(300000)) return {};
    if (p->exitCode() != expectedExit) qWarning("%s", p->readAllStandardError().constData());
    return p->exitCode() == expectedExit ? QJsonDocument::fromJson(p->readAllStandardOutput()).object()
                                         : QJsonObject();
  }

 private Q_SLOTS:
  void initTestCase() { testdata::writeFile(path("corpus.txt"), testdata::textCorpus(60, 25)); }

  void twoProcessesTrainAsOne() {
    const int port = testdata::freePort();
    QProcess* first = startMember(0, 2, port, trainArgs("two", 4, 20));
    QProcess* second = startMember(1, 2, port, trainArgs("two", 4, 20));
    const QJsonObject a = finish(first), b = finish(second);
    QVERIFY(!a.isEmpty() && !b.isEmpty());
    QProcess one;
    one.start(pretrainPath(), trainArgs("one", 8, 20));
    QVERIFY(one.waitForFinished(300000));
    QCOMPARE(one.exitCode(), 0);

    QVERIFY2(close(testdata::trainLosses(path("two")), testdata::trainLosses(path("one"))),
             "per-step losses differ from one process's");
    QCOMPARE(a["parameter_digest"].toString(), b["parameter_digest"].toString());
    QVERIFY(a["parameter_digest"].toString().startsWith("xxh3:"));
    // The first process wrote the run folder; the second wrote nothing and names no checkpoint.
    QVERIFY(QFile::exists(a["checkpoint"].toString()));
    QCOMPARE(b["checkpoint"].toString(), QString());
    QCOMPARE(b["world_size"].toInt(), 2);
    QVERIFY(a["compute"].toString().contains("process 1 of 2"));
    QVERIFY(a["allreduce_s_per_step"].toDouble() > 0);
  }

  void aStopInOneProcessStopsBoth() {
    const int port = testdata::freePort();
    QProcess* first = startMember(0, 2, port, trainArgs("stopped", 4, 100000));
    QProcess* second = startMember(1, 2, port, trainArgs("stopped", 4, 100000));
    QTRY_VERIFY_WITH_TIMEOUT(testdata::trainLosses(path("stopped")).size() >= 5, 120000);
    ::kill(pid_t(second->processId()), SIGINT);  // Ctrl-C in one terminal of two
    const QJsonObject a = finish(first, 130), b = finish(second, 130);
    QVERIFY(!a.isEmpty() && !b.isEmpty());
    QCOMPARE(a["end_step"].toInt(), b["end_step"].toInt());
    QCOMPARE(a["parameter_digest"].toString(), b["parameter_digest"].toString());
    QVERIFY(QFile::exists(a["checkpoint"].toString()));
    // Both resume from that checkpoint and go on together.
    const int port2 = testdata::freePort();
    const QStringList resume = {"train",    "--out",   path("stopped"),
                                "--resume", "--steps", QString::number(a["end_step"].toInt() + 10),
                                "--json"};
    QProcess* third = startMember(0, 2, port2, resume);
    QProcess* fourth = startMember(1, 2, port2, resume);
    const QJsonObject c = finish(third), d = finish(fourth);
    QCOMPARE(c["start_step"].toInt(), a["end_step"].toInt());
    QCOMPARE(c["end_step"].toInt(), a["end_step"].toInt() + 10);
    QCOMPARE(c["parameter_digest"].toString(), d["parameter_digest"].toString());
  }

  // A process that fails ends the group: it says why, and the other says that it lost it, each in one line
  // naming itself, instead of waiting for it (up to the 30-minute timeout).
  void aFailedProcessEndsTheOthers() {
    const int port = testdata::freePort();
    QProcess* first = startMember(0, 2, port, trainArgs("failing", 4, 100000));
    // The second looks for the run in a folder the first never writes.
    QProcess* second = startMember(1, 2, port, trainArgs("failing-elsewhere", 4, 100000));
    QVERIFY(first->waitForFinished(120000) && second->waitForFinished(10000));
    QCOMPARE(second->exitCode(), 1);
    QCOMPARE(first->exitCode(), 1);
    const QByteArray failed = second->readAllStandardError().trimmed(),
                     lost = first->readAllStandardError().trimmed();
    QVERIFY2(!failed.contains('\n') && failed.contains("error: process 2 of 2: ") &&
                 failed.contains("failing-elsewhere"),
             failed.constData());
    QVERIFY2(!lost.contains('\n') && lost.contains("error: process 1 of 2: the run's other processes stopped "
                                                   "answering"),
             lost.constData());
  }

  // Debian 12's torchrun, with the work-around its Python 3.11 needs (README, Data-parallel training).
  QStringList torchrunArgs(const QStringList& extra) const {
    return QStringList{"-m",           "torch.distributed.run",
                       "--standalone", "--nproc_per_node=2",
                       "--redirects",  "2",
                       "--tee",        "2"} +
           extra + QStringList{"--no_python", pretrainPath()};
  }
  static bool hasTorchrun() {
    QProcess probe;
    probe.start("/usr/bin/python3", {"-c", "import torch.distributed.run"});
    return probe.waitForFinished(60000) && probe.exitCode() == 0;
  }

  void torchrunStartsTheProcesses() {
    if (!hasTorchrun())
      PRETRAIN_SKIP_UNLESS_SET_UP("no torchrun here (Debian: python3-torch, which packaging/install-deps.sh installs)");
    QProcess run;
    run.start("/usr/bin/python3", torchrunArgs({}) + trainArgs("torchrun", 4, 20));
    QVERIFY(run.waitForFinished(300000));
    QVERIFY2(run.exitCode() == 0, run.readAllStandardError().constData());
    QVERIFY2(close(testdata::trainLosses(path("torchrun")), testdata::trainLosses(path("one"))),
             "per-step losses differ from one process's");
  }

  // A process killed mid-run: torchrun (--max_restarts) starts the group again, which resumes from the last
  // checkpoint (a new run there would be refused) and ends where an uninterrupted run ends, loss for loss.
  void aRestartedGroupResumes() {
    if (!hasTorchrun())
      PRETRAIN_SKIP_UNLESS_SET_UP("no torchrun here (Debian: python3-torch, which packaging/install-deps.sh installs)");
    QStringList settings = trainArgs("restarted", 4, 60);
    settings << "--save-every"
             << "1";
    QProcess run;
    run.start("/usr/bin/python3", torchrunArgs({"--max_restarts", "1"}) + settings);
    QVERIFY(run.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(testdata::trainLosses(path("restarted")).size() >= 20, 120000);
    const QList<qint64> members = testdata::childrenOf(run.processId());
    QCOMPARE(members.size(), 2);
    ::kill(pid_t(members.back()), SIGKILL);
    QVERIFY(run.waitForFinished(300000));
    QVERIFY2(run.exitCode() == 0, run.readAllStandardError().constData());
    QProcess one;
    one.start(pretrainPath(), trainArgs("one60", 8, 60));
    QVERIFY(one.waitForFinished(300000));
    QVERIFY2(close(testdata::trainLosses(path("restarted")), testdata::trainLosses(path("one60"))),
             "per-step losses differ from an uninterrupted run's");
  }
};

QTEST_GUILESS_MAIN(TstPretrainDataParallel)
#include "tst_pretrain_data_parallel.moc"
