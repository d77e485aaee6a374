// Where the studio puts a new run and a prepared corpus (run/run_names.h), with hand-worked names.

#include <QtCore/QDir>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <cstdlib>
#include <ctime>

#include "run/run_names.h"

using namespace pretrain;

class TstRunNames : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    setenv("TZ", "UTC", 1);  // The names are in local time: fix it.
    tzset();
  }

  void aRunIsNamedByItsStartThenNumbered() {
    QTemporaryDir runs;
    const std::string root = runs.path().toStdString();
    const std::time_t start = 1795788903;  // 2026-11-27 14:15:03 UTC
    QCOMPARE(newRunDir(root, start), root + "/20261127-141503");
    QVERIFY(QDir().mkpath(runs.filePath("20261127-141503")));
    QCOMPARE(newRunDir(root, start), root + "/20261127-141503-2");  // Two runs in one second.
    QVERIFY(QDir().mkpath(runs.filePath("20261127-141503-2")));
    QCOMPARE(newRunDir(root, start), root + "/20261127-141503-3");
    QCOMPARE(newRunDir(root, start + 1), root + "/20261127-141504");
    QVERIFY(!QDir(runs.filePath("20261127-141504")).exists());  // Named, not made.
  }

  void aCorpusIsPreparedOncePerSettings() {
    TokenizerOptions bpe;
    const std::string a = preparedDataDir("/p", {"/data/a.txt", "/data/b.txt"}, bpe);
    QVERIFY2(QString::fromStdString(a).contains(QRegularExpression("^/p/[0-9a-f]{16}$")), a.c_str());
    QCOMPARE(preparedDataDir("/p", {"/data/a.txt", "/data/b.txt"}, bpe), a);  // Going back reuses it.
    TokenizerOptions bigger = bpe;
    bigger.vocabSize = 16000;
    TokenizerOptions unigram = bpe;
    unigram.type = TokenizerType::Unigram;
    TokenizerOptions otherSample = bpe;
    otherSample.sampleBytes /= 2;  // Not part of the name: the same tokenizer settings a person chooses.
    QVERIFY(preparedDataDir("/p", {"/data/a.txt", "/data/b.txt"}, bigger) != a);
    QVERIFY(preparedDataDir("/p", {"/data/a.txt", "/data/b.txt"}, unigram) != a);
    QVERIFY(preparedDataDir("/p", {"/data/a.txt"}, bpe) != a);
    // The inputs' boundaries count: "a" + "b.txt" is not "ab" + ".txt".
    QVERIFY(preparedDataDir("/p", {"a", "b.txt"}, bpe) != preparedDataDir("/p", {"ab", ".txt"}, bpe));
    QCOMPARE(preparedDataDir("/p", {"/data/a.txt", "/data/b.txt"}, otherSample), a);
  }
};

QTEST_GUILESS_MAIN(TstRunNames)
#include "tst_run_names.moc"
