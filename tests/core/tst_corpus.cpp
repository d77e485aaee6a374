#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <sys/stat.h>

#include "data/corpus.h"
#include "test_data.h"
#include "util/error.h"

using namespace pretrain;
using testdata::writeFile;

namespace {

struct Read {
  std::vector<std::vector<std::string>> documents;  // Lines of each document.
  uint64_t splitLines = 0;
  std::string hash;
};

Read readAll(const CorpusSpec& spec, size_t maxLine = kMaxLineBytes) {
  CorpusReader reader(listCorpusFiles(spec), spec.encoding, maxLine);
  Read r;
  std::vector<std::string> current;
  for (CorpusEvent ev; reader.next(ev);) {
    if (ev.kind == CorpusEvent::Kind::Line) {
      current.push_back(ev.text);
    } else {
      r.documents.push_back(current);
      current.clear();
    }
  }
  if (!current.empty()) r.documents.push_back(current);  // Would be a bug: lines after the last end.
  Q_ASSERT(reader.documents() == r.documents.size());
  r.splitLines = reader.splitLines();
  r.hash = reader.contentHash();
  return r;
}

}  // namespace

class TstCorpus : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  QString path(const QString& name) const { return m_dir.filePath(name); }

 private Q_SLOTS:
  void blankLinesSeparateDocuments() {
    writeFile(path("a.txt"), "one\r\ntwo\n\n\n  \nthree\n\nfour");
    const Read r = readAll({{path("a.txt").toStdString()}});
    QCOMPARE(r.documents.size(), size_t(3));
    QCOMPARE(r.documents[0], (std::vector<std::string>{"one", "two"}));
    QCOMPARE(r.documents[1], (std::vector<std::string>{"three"}));
    QCOMPARE(r.documents[2], (std::vector<std::string>{"four"}));
  }

  void folderIsReadRecursivelyInOrder() {
    writeFile(path("f/b.txt"), "bee\n");
    writeFile(path("f/a.txt"), "ay\n");
    writeFile(path("f/sub/c.jsonl"), R"({"text": "sea"})"
                                     "\n");
    writeFile(path("f/notes.md"), "ignored\n");
    writeFile(path("f/.hidden/d.txt"), "ignored too\n");
    // A symlinked folder is read as the folder it stands for; a link back up the tree, once.
    writeFile(path("elsewhere/e.txt"), "ee\n");
    QVERIFY(QFile::link(path("elsewhere"), path("f/sub/linked")));
    QVERIFY(QFile::link(path("f"), path("f/sub/loop")));
    const auto files = listCorpusFiles({{path("f").toStdString()}});
    QCOMPARE(files.size(), size_t(4));
    QVERIFY(QString::fromStdString(files[3].path).endsWith("sub/linked/e.txt"));
    QVERIFY(QString::fromStdString(files[0].path).endsWith("f/a.txt"));
    QVERIFY(QString::fromStdString(files[2].path).endsWith("sub/c.jsonl"));
    QCOMPARE(files[2].format, CorpusFile::Format::JsonLines);
    const Read r = readAll({{path("f").toStdString()}});
    QCOMPARE(r.documents.size(), size_t(4));
    QCOMPARE(r.documents[2][0], std::string("sea"));
  }

  void jsonLinesAreDocuments() {
    writeFile(path("d.jsonl"),
              "{\"text\": \"first doc\\nsecond line\", \"id\": 1}\n\n{\"text\": \"naïve 🍕\"}\n");
    const Read r = readAll({{path("d.jsonl").toStdString()}});
    QCOMPARE(r.documents.size(), size_t(2));
    QCOMPARE(r.documents[0], (std::vector<std::string>{"first doc", "second line"}));
    QCOMPARE(r.documents[1][0], std::string("naïve 🍕"));
  }

  void badJsonLineNamesTheLine_data() {
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("says");
    QTest::newRow("not json") << QByteArray("{\"text\": \"ok\"}\n{oops\n") << ":2: not valid JSON";
    QTest::newRow("no text") << QByteArray("{\"body\": \"x\"}\n") << ":1: expected an object with a \"text\"";
    QTest::newRow("text not a string") << QByteArray("{\"text\": 5}\n") << ":1: expected";
  }
  void badJsonLineNamesTheLine() {
    QFETCH(QByteArray, content);
    QFETCH(QString, says);
    writeFile(path("bad.jsonl"), content);
    try {
      readAll({{path("bad.jsonl").toStdString()}});
      QFAIL("no error");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("bad.jsonl" + says), e.what());
    }
  }

  void pairsMarkTheirOutputs() {
    writeFile(path("p.jsonl"),
              "\xEF\xBB\xBF\n{\"input\": \"The quick brown\", \"output\": \"fox\"}\n"
              "{\"input\": \"two\\nlines\", \"output\": \"out put\", \"id\": 2}\n");
    const std::vector<CorpusFile> files = listCorpusFiles({{path("p.jsonl").toStdString()}});
    // Told from the first line that is not blank (after a byte-order mark).
    QCOMPARE(files[0].format, CorpusFile::Format::Pairs);
    QCOMPARE(corpusKind(files), CorpusKind::Pairs);
    CorpusReader reader(files, TextEncoding::Utf8);
    QStringList seen;
    for (CorpusEvent ev; reader.next(ev);)
      seen << (ev.kind == CorpusEvent::Kind::DocumentEnd
                   ? QString("|")
                   : QString::fromStdString(ev.text) + (ev.output ? "*" : ""));
    QCOMPARE(seen, QStringList({"The quick brown", "fox*", "|", "two", "lines", "out put*", "|"}));
    writeFile(path("t.jsonl"), "{\"text\": \"input and output are words\"}\n");
    QCOMPARE(corpusKind(listCorpusFiles({{path("t.jsonl").toStdString()}})), CorpusKind::Text);
  }

  void badPairsNameTheLine_data() {
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("says");
    const QByteArray first = "{\"input\": \"a\", \"output\": \"b\"}\n";
    QTest::newRow("text line") << first + "{\"text\": \"x\"}\n"
                               << ":2: expected an object with \"input\" and";
    QTest::newRow("no output") << first + "{\"input\": \"x\"}\n"
                               << ":2: expected";
    QTest::newRow("empty output") << first + "{\"input\": \"x\", \"output\": \" \"}\n"
                                  << ":2: the pair's \"output\" is empty";
  }
  void badPairsNameTheLine() {
    QFETCH(QByteArray, content);
    QFETCH(QString, says);
    writeFile(path("badpairs.jsonl"), content);
    try {
      readAll({{path("badpairs.jsonl").toStdString()}});
      QFAIL("no error");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("badpairs.jsonl" + says), e.what());
    }
  }

  void pairsAndTextDoNotMix() {
    writeFile(path("mix/a.jsonl"), "{\"input\": \"a\", \"output\": \"b\"}\n");
    writeFile(path("mix/b.txt"), "plain text\n");
    try {
      listCorpusFiles({{path("mix").toStdString()}});
      QFAIL("no error");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("a.jsonl holds input/output pairs but") &&
                   QString(e.what()).contains("b.txt holds plain text"),
               e.what());
    }
  }

  void severalInputsCombine() {
    writeFile(path("x.txt"), "ex\n");
    writeFile(path("y.jsonl"), "{\"text\": \"why\"}\n");
    const Read r = readAll({{path("x.txt").toStdString(), path("y.jsonl").toStdString()}});
    QCOMPARE(r.documents.size(), size_t(2));
  }

  void longLinesAreCutNotDropped() {
    std::string words, huge(10000, 'x');
    for (int i = 0; i < 3000; ++i) words += "word" + std::to_string(i) + " ";
    words.pop_back();
    writeFile(path("long.txt"), QByteArray::fromStdString("short\n" + words + "\n" + huge + "\nend\n"));
    const Read r = readAll({{path("long.txt").toStdString()}}, 100);
    QCOMPARE(r.splitLines, uint64_t(2));
    const auto& lines = r.documents.at(0);
    std::string rejoined;
    size_t xs = 0;
    for (const auto& l : lines) {
      QVERIFY2(l.size() <= 100, "a piece is over the limit");
      if (l[0] == 'w')
        rejoined += (rejoined.empty() ? "" : " ") + l;  // Cut at spaces: the space is the join.
      if (l[0] == 'x') xs += l.size();
    }
    QCOMPARE(rejoined, words);
    QCOMPARE(xs, huge.size());
    QCOMPARE(lines.front(), std::string("short"));
    QCOMPARE(lines.back(), std::string("end"));
  }

  void aWholeFileWithoutNewlinesStreams() {
    // 3 MB on one line: read in pieces, never held whole.
    std::string big;
    while (big.size() < 3'000'000) big += "lorem ipsum dolor sit amet ";
    writeFile(path("oneline.txt"), QByteArray::fromStdString(big));
    const Read r = readAll({{path("oneline.txt").toStdString()}});
    QCOMPARE(r.documents.size(), size_t(1));
    QVERIFY(r.documents[0].size() > 700);
    QCOMPARE(r.splitLines, uint64_t(1));
  }

  void inputErrors_data() {
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("says");
    QTest::newRow("missing") << "nope.txt"
                             << "no such file or folder";
    QTest::newRow("empty file") << "empty.txt"
                                << "is empty";
    QTest::newRow("folder without text") << "nothing"
                                         << "has no .txt or .jsonl files";
    QTest::newRow("a pipe") << "pipe.txt"
                            << "is not a regular file";
  }
  void inputErrors() {
    QFETCH(QString, input);
    QFETCH(QString, says);
    writeFile(path("empty.txt"), "");
    QDir().mkpath(path("nothing"));
    writeFile(path("nothing/readme.md"), "hi");
    if (!QFile::exists(path("pipe.txt"))) QVERIFY(::mkfifo(qPrintable(path("pipe.txt")), 0600) == 0);
    try {
      listCorpusFiles({{path(input).toStdString()}});
      QFAIL("no error");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains(says), e.what());
    }
  }

  void contentHashMatchesReaderAndNoticesChange() {
    writeFile(path("h.txt"), "alpha\nbeta\n");
    const CorpusSpec spec{{path("h.txt").toStdString()}};
    const std::string before = corpusContentHash(listCorpusFiles(spec), spec.encoding);
    QCOMPARE(readAll(spec).hash, before);
    writeFile(path("h.txt"), "alpha\nbetA\n");  // Same size, one byte different.
    QVERIFY(corpusContentHash(listCorpusFiles(spec), spec.encoding) != before);
    CorpusSpec latin = spec;
    latin.encoding = TextEncoding::Latin1;
    QVERIFY(corpusContentHash(listCorpusFiles(latin), latin.encoding) !=
            corpusContentHash(listCorpusFiles(spec), spec.encoding));
  }
};

QTEST_GUILESS_MAIN(TstCorpus)
#include "tst_corpus.moc"
