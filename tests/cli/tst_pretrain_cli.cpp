// The `pretrain` command end to end: the real executable, run as a user runs it.
#include <QtCore/QCoreApplication>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <csignal>

#include "test_cli.h"
#include "test_data.h"
#include "test_process.h"

using testdata::pretrain;
using testdata::Run;
using testdata::writeFile;

class TstPretrainCli : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  QString path(const QString& name) const { return m_dir.filePath(name); }

 private Q_SLOTS:
  void initTestCase() {
    writeFile(path("corpus/a.txt"), testdata::textCorpus(20, 10, 1));
    writeFile(path("corpus/b.jsonl"), "{\"text\": \"A young girl paints the river.\"}\n");
  }

  void tokenizePrintsStatistics() {
    const Run r =
        pretrain({"tokenize", "--corpus", path("corpus"), "--out", path("out"), "--vocab-size", "400"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    for (const char* label : {"corpus", "tokenizer", "documents", "tokens", "words", "tokens/word",
                              "<unk> rate", "top tokens", "time"})
      QVERIFY2(r.out.contains(label), label);
    QVERIFY(r.out.contains("21 (train 20, validation 1)"));
  }

  void tokenizeJsonAndCache() {
    const Run r = pretrain({"tokenize", "--corpus", path("corpus"), "--out", path("out"), "--json"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(r.err.isEmpty(), r.err.constData());  // --json keeps stderr for errors.
    const QJsonObject j = r.json();
    QCOMPARE(j["documents"].toInt(), 21);
    QCOMPARE(j["vocab_size"].toInt(), 400);
    QVERIFY(j["tokens"].toInteger() > 1000);
    QVERIFY(j["tokens_per_word"].toDouble() >= 1.0);
    QCOMPARE(j["unk_rate"].toDouble(), 0.0);
    QCOMPARE(j["top_tokens"].toArray().size(), 20);
    QCOMPARE(j["store_reused"].toBool(), true);  // Same corpus, same tokenizer as the previous test.
    QCOMPARE(j["tokenizer_trained"].toBool(), false);
  }

  void encodeShowsPiecesAndRoundTrips() {
    const Run r = pretrain({"encode", "--tokenizer", path("out"), "--text", "The café 🍕 [MASK].", "--json"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject j = r.json();
    QVERIFY(j["round_trip"].toBool());
    QCOMPARE(j["ids"].toArray().size(), j["pieces"].toArray().size());
    QVERIFY(j["ids"].toArray().contains(4));  // [MASK]
    const Run human = pretrain({"encode", "--tokenizer", path("out"), "--text", "the cat"});
    QCOMPARE(human.exitCode, 0);
    QVERIFY(human.out.contains("(identical)"));
  }

  void latin1IsConvertedOnlyWhenAsked() {
    writeFile(path("latin1.txt"), QByteArray("Un caf\xE9 cr\xE8me tr\xE8s na\xEFve.\n").repeated(60));
    const Run refused = pretrain({"tokenize", "--corpus", path("latin1.txt"), "--out", path("l1")});
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains("latin1.txt: not valid UTF-8 at byte 6"), refused.err.constData());
    QVERIFY2(refused.err.contains("latin-1"), refused.err.constData());
    const Run converted = pretrain({"tokenize", "--corpus", path("latin1.txt"), "--out", path("l1"),
                                    "--encoding", "latin-1", "--vocab-size", "300", "--json"});
    QVERIFY2(converted.exitCode == 0, converted.err.constData());
  }

  void badInputIsOneLineAndNonZero_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("says");
    const QString d = m_dir.path();
    QTest::newRow("missing corpus") << QStringList{"tokenize", "--corpus", d + "/nope", "--out", d + "/x"}
                                    << 1 << "no such file or folder";
    QTest::newRow("empty file") << QStringList{"tokenize", "--corpus", d + "/empty.txt", "--out", d + "/x"}
                                << 1 << "is empty";
    QTest::newRow("binary file") << QStringList{"tokenize", "--corpus", d + "/binary.txt", "--out", d + "/x"}
                                 << 1 << "NUL byte at byte 3";
    QTest::newRow("utf-16 file") << QStringList{"tokenize", "--corpus", d + "/utf16.txt", "--out", d + "/x"}
                                 << 1 << "UTF-16 byte-order mark";
    // With the folder's existing tokenizer, so that the corpus's size is what is judged.
    QTest::newRow("too small") << QStringList{"tokenize", "--corpus", d + "/small.txt", "--out", d + "/out"}
                               << 1 << "one training window needs 129";
    QTest::newRow("vocab too small") << QStringList{"tokenize", "--corpus",     d + "/corpus", "--out",
                                                    d + "/v",   "--vocab-size", "270"}
                                     << 1 << "too small for this corpus";
    QTest::newRow("vocab conflicts") << QStringList{"tokenize", "--corpus",     d + "/corpus", "--out",
                                                    d + "/out", "--vocab-size", "500"}
                                     << 1 << "already has a tokenizer with vocabulary size 400";
    QTest::newRow("bad type") << QStringList{"tokenize", "--corpus", d + "/corpus", "--out",
                                             d + "/x",   "--type",   "wordpiece"}
                              << 1 << "unknown tokenizer type";
    QTest::newRow("not a number") << QStringList{"tokenize", "--corpus",     d + "/corpus", "--out",
                                                 d + "/x",   "--vocab-size", "lots"}
                                  << 2 << "--vocab-size must be a whole number";
    QTest::newRow("missing option") << QStringList{"tokenize", "--corpus", d + "/corpus"} << 2
                                    << "--out is required";
    QTest::newRow("unknown option") << QStringList{"tokenize", "--frobnicate"} << 2
                                    << "unknown option --frobnicate";
    QTest::newRow("unknown command") << QStringList{"fly"} << 2 << "unknown command 'fly'";
    QTest::newRow("no tokenizer") << QStringList{"encode", "--tokenizer", d + "/nope", "--text", "hi"} << 1
                                  << "does not exist";
    QTest::newRow("empty text") << QStringList{"encode", "--tokenizer", d + "/out", "--text", ""} << 1
                                << "the text is empty";
    QTest::newRow("export: not a run") << QStringList{"export", "--run", d + "/out", "--out", d + "/e"} << 1
                                       << "is not a run folder (config.json is missing)";
    QTest::newRow("export: into a file")
        << QStringList{"export", "--run", d + "/out", "--out", d + "/empty.txt"} << 1
        << "exists and is not a folder";
  }
  void badInputIsOneLineAndNonZero() {
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, says);
    writeFile(path("empty.txt"), "");
    writeFile(path("binary.txt"), QByteArray("\x7f"
                                             "EL\x00\x02\x01",
                                             6));
    writeFile(path("utf16.txt"), QByteArray("\xFF\xFEh\x00i\x00\n\x00", 8));
    writeFile(path("small.txt"), testdata::textCorpus(1, 2, 4));
    const Run r = pretrain(args);
    QCOMPARE(r.exitCode, exitCode);
    QVERIFY2(r.out.isEmpty(), r.out.constData());
    const QByteArray err = r.err.trimmed();
    QVERIFY2(!err.contains('\n'), err.constData());  // One line.
    QVERIFY2(err.contains(says.toUtf8()), err.constData());
  }

  void failuresLeaveEarlierOutputIntact() {
    QFile manifest(path("out/tokens/manifest.json"));
    QVERIFY(manifest.open(QIODevice::ReadOnly));
    const QByteArray saved = manifest.readAll();
    manifest.close();
    // A bad input added to a folder that holds a good store: refused, store unchanged.
    writeFile(path("corpus2/good.txt"), testdata::textCorpus(5, 5, 2));
    writeFile(path("corpus2/bad.txt"), QByteArray("fine\n\xC3(\n"));
    const Run r = pretrain({"tokenize", "--corpus", path("corpus2"), "--out", path("out")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(manifest.open(QIODevice::ReadOnly));
    QCOMPARE(manifest.readAll(), saved);
    QVERIFY(!QFile::exists(path("out/tokens.building")));
  }

  void theTrainingHelperDiesWithItsParent() {
    // SentencePiece trains in a helper process: a `kill -9` of the command must not leave it running.
    // Made-up words over the whole alphabet: a vocabulary rich enough that training takes seconds.
    QByteArray words;
    uint32_t state = 7;
    for (int w = 0; w < 300000; ++w) {
      for (int c = 0, n = 3 + int(state % 7); c < n; ++c) {
        state = state * 1664525u + 1013904223u;
        words += char('a' + (state >> 24) % 26);
      }
      words += (w % 12 == 11) ? '\n' : ' ';
    }
    writeFile(path("big.txt"), words);  // Its tokenizer takes ~20 s to train here; the helper may take 5.
    QProcess p;
    p.start(QCoreApplication::applicationDirPath() + "/pretrain",
            {"tokenize", "--corpus", path("big.txt"), "--out", path("big"), "--vocab-size", "8000"});
    QVERIFY(p.waitForStarted());
    qint64 helper = 0;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
          for (const qint64 child : testdata::childrenOf(p.processId()))
            if (testdata::procFile(child, "cmdline").contains("train")) helper = child;
          return helper != 0;
        }(),
        60000);
    p.kill();
    QVERIFY(p.waitForFinished(10000));
    QTRY_VERIFY_WITH_TIMEOUT(testdata::processEnded(helper), 5000);
  }

  // A run saved before checkpoints were safetensors files (tests/data/legacy-run-v1): one line saying how
  // to convert it, the conversion, then the run answers.
  void anOldRunIsConvertedOnRequest() {
    const QString run = path("old-run");
    QVERIFY(QProcess::execute("cp", {"-r", PRETRAIN_TEST_DATA_DIR "/legacy-run-v1", run}) == 0);
    const QStringList next = {"next", "--run", run, "--prompt", "the quick brown"};
    const Run refused = pretrain(next);
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(
        refused.err.count('\n') == 1 && refused.err.contains("pretrain upgrade-run --run " + run.toUtf8()),
        refused.err.constData());
    const Run upgrade = pretrain({"upgrade-run", "--run", run, "--json"});
    QVERIFY2(upgrade.exitCode == 0, upgrade.err.constData());
    QCOMPARE(upgrade.json()["converted"].toInt(), 2);
    const Run answered = pretrain(next);
    QVERIFY2(answered.exitCode == 0 && answered.out.contains("entropy"), answered.err.constData());
  }

  void helpListsEveryFlagWithDefaults() {
    const Run top = pretrain({"--help"});
    QCOMPARE(top.exitCode, 0);
    for (const char* cmd : {"tokenize", "encode", "bench"}) QVERIFY(top.out.contains(cmd));
    const Run r = pretrain({"tokenize", "--help"});
    QCOMPARE(r.exitCode, 0);
    for (const char* flag : {"--corpus", "--out", "--vocab-size", "--type", "--encoding", "--sample-mb",
                             "--validation-fraction", "--min-tokens", "--threads", "--json"})
      QVERIFY2(r.out.contains(flag), flag);
    QVERIFY(r.out.contains("[default: 8000]"));
    QVERIFY(r.out.contains("[default: bpe]"));
    QCOMPARE(pretrain({"encode", "--help"}).exitCode, 0);
    QCOMPARE(pretrain({}).exitCode, 2);
  }

  // docs/command-line.md holds every command's --help below its marker, made from the program as the man
  // page is, so it cannot drift: this fails when they differ, and PRETRAIN_UPDATE_DOCS=1 rewrites it.
  void theCommandLinePageIsTheHelp() {
    QString generated = "\n";
    const auto section = [&](const QStringList& command) {
      const Run r = pretrain(command + QStringList("--help"));
      QCOMPARE(r.exitCode, 0);
      generated += "### pretrain " + command.join(' ') + "\n\n```text\n" +
                   QString::fromUtf8(r.out).trimmed() + "\n```\n\n";
    };
    const Run top = pretrain({"--help"});
    QCOMPARE(top.exitCode, 0);
    QStringList commands;
    bool listing = false;
    for (const QString& line : QString::fromUtf8(top.out).split('\n')) {
      if (line.startsWith("commands:"))
        listing = true;
      else if (listing && line.startsWith("  "))
        commands << line.simplified().section(' ', 0, 0);
      else if (listing)
        listing = false;
    }
    QVERIFY(commands.size() > 10);
    for (const QString& command : commands) {
      section({command});
      // A command of commands ("usage: pretrain bench tokenizer|train|predict ..."): each of them too.
      const Run help = pretrain({command, "--help"});
      const QString usage = QString::fromUtf8(help.out).section('\n', 0, 0);
      const QString sub = usage.section(' ', 3, 3);
      if (usage.startsWith("usage: pretrain " + command + " ") && sub.contains('|'))
        for (const QString& s : sub.split('|')) section({command, s});
    }
    const QString page = QStringLiteral(PRETRAIN_SOURCE_DIR "/docs/command-line.md");
    QFile f(page);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(f.readAll());
    f.close();
    const QString marker = "<!-- generated from pretrain --help: do not edit below (tst_pretrain_cli checks it) -->\n";
    QVERIFY2(text.contains(marker), "docs/command-line.md lost its marker");
    const QString wanted = text.left(text.indexOf(marker) + marker.size()) + generated.trimmed() + "\n";
    if (qEnvironmentVariableIntValue("PRETRAIN_UPDATE_DOCS") == 1) {
      QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
      f.write(wanted.toUtf8());
    }
    QVERIFY2(text == wanted || qEnvironmentVariableIntValue("PRETRAIN_UPDATE_DOCS") == 1,
             "docs/command-line.md is not the program's --help: run PRETRAIN_UPDATE_DOCS=1 "
             "build/release/bin/tst_pretrain_cli theCommandLinePageIsTheHelp");
  }
};

QTEST_GUILESS_MAIN(TstPretrainCli)
#include "tst_pretrain_cli.moc"
