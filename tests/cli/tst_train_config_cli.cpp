// `pretrain train --config FILE` and `--print-config`: settings in a TOML file (or a run's config.json), the
// command line above them, the printed file reading back as the same settings, and a bad file one line that
// names the setting and the file.
#include <QtCore/QCoreApplication>
#include <QtCore/QFile>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include "test_cli.h"
#include "test_data.h"

using testdata::pretrain;
using testdata::Run;

namespace {

QJsonObject jsonFile(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object() : QJsonObject();
}

}  // namespace

class TstTrainConfigCli : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  QString path(const QString& name) const { return m_dir.filePath(name); }

  // A small model's settings as flags, the corpus included.
  QStringList settings() const {
    return QStringList{"--corpus", path("mission.txt")} +
           QString(
               "--layers 2 --heads 2 --dim 32 --context 16 --batch 8 --steps 3 --vocab-size 400 --lr 2.5e-3 "
               "--threads 2 --whole-word")
               .split(' ') +
           QStringList{"--probe", "The quick [MASK] fox=>brown"};
  }

 private Q_SLOTS:
  void initTestCase() { testdata::writeFile(path("mission.txt"), testdata::missionCorpus()); }

  void printedSettingsReadBackTheSame() {
    const Run printed = pretrain(QStringList{"train"} + settings() + QStringList{"--print-config"});
    QVERIFY2(printed.exitCode == 0, printed.err.constData());
    QVERIFY(printed.out.contains("\nsteps = 3\n") && printed.out.contains("\nwhole-word = true\n") &&
            printed.out.contains("\nlr = 0.0025\n") && printed.out.contains("\npreset = \"tiny\"\n"));
    testdata::writeFile(path("run.toml"), printed.out);
    const Run again = pretrain({"train", "--config", path("run.toml"), "--print-config"});
    QVERIFY2(again.exitCode == 0, again.err.constData());
    QCOMPARE(again.out, printed.out);
    // The command line above the file.
    const Run over = pretrain({"train", "--config", path("run.toml"), "--steps", "9", "--print-config"});
    QVERIFY(over.out.contains("\nsteps = 9\n"));
    QCOMPARE(QString(over.out).replace("steps = 9", "steps = 3"), QString(printed.out));
  }

  void aRunsConfigStartsTheSameRun() {
    testdata::writeFile(path("first.toml"),
                        pretrain(QStringList{"train"} + settings() + QStringList{"--print-config"}).out);
    const Run first = pretrain({"train", "--config", path("first.toml"), "--out", path("first")});
    QVERIFY2(first.exitCode == 0, first.err.constData());
    // Its config.json as the settings of a second run: the same run but for where it is.
    const Run second = pretrain({"train", "--config", path("first/config.json"), "--out", path("second")});
    QVERIFY2(second.exitCode == 0, second.err.constData());
    QJsonObject a = jsonFile(path("first/config.json")), b = jsonFile(path("second/config.json"));
    QVERIFY(!a.isEmpty());
    // Each run trains its own tokenizer, whose file records where it was trained: the same pieces, another
    // hash.
    a.remove("tokenizer_hash");
    b.remove("tokenizer_hash");
    QCOMPARE(b, a);
  }

  void aBadFileIsOneLineNamingTheSetting_data() {
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("says");
    QTest::newRow("unknown") << QByteArray("stpes = 3\n") << 2 << "%1: unknown setting 'stpes'";
    QTest::newRow("wrong type") << QByteArray("steps = \"many\"\n") << 2
                                << "steps in %1 must be a whole number from 1 to";
    QTest::newRow("out of range") << QByteArray("lr = 20.0\n") << 2 << "lr in %1 must be a number from";
    QTest::newRow("a list for one") << QByteArray("steps = [1, 2]\n") << 2 << "%1: steps takes one value";
    QTest::newRow("switch") << QByteArray("whole-word = 1\n") << 2 << "%1: whole-word must be true or false";
    QTest::newRow("a table") << QByteArray("[train]\nsteps = 3\n") << 2 << "%1: train must be a text";
    QTest::newRow("not TOML") << QByteArray("steps = = 3\n") << 1 << "%1:1:";
  }
  void aBadFileIsOneLineNamingTheSetting() {
    QFETCH(QByteArray, content);
    QFETCH(int, exitCode);
    QFETCH(QString, says);
    testdata::writeFile(path("bad.toml"), content);
    const Run r = pretrain(
        {"train", "--corpus", path("mission.txt"), "--config", path("bad.toml"), "--out", path("never")});
    QCOMPARE(r.exitCode, exitCode);
    QVERIFY2(r.err.contains(says.arg(path("bad.toml")).toUtf8()) && r.err.count('\n') == 1,
             r.err.constData());
    QVERIFY(!QFile::exists(path("never")));
  }
};

QTEST_GUILESS_MAIN(TstTrainConfigCli)
#include "tst_train_config_cli.moc"
