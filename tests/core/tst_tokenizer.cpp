#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <filesystem>

#include "test_tokenizer.h"
#include "tokenizer/word_cache_encoder.h"
#include "util/error.h"

using namespace pretrain;

class TstTokenizer : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  std::shared_ptr<const Tokenizer> m_tok;

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_dir.isValid());
    m_tok = Tokenizer::load(testdata::trainSmallTokenizer(m_dir.path()));
    QCOMPARE(m_tok->vocabSize(), 400);
  }

  void specialTokensHaveFixedIds() {
    QCOMPARE(m_tok->piece(SpecialTokens::kPad), std::string("<pad>"));
    QCOMPARE(m_tok->piece(SpecialTokens::kUnk), std::string("<unk>"));
    QCOMPARE(m_tok->piece(SpecialTokens::kBos), std::string("<s>"));
    QCOMPARE(m_tok->piece(SpecialTokens::kEos), std::string("</s>"));
    QCOMPARE(m_tok->piece(SpecialTokens::kMask), std::string("[MASK]"));
    QVERIFY(m_tok->isControl(SpecialTokens::kEos));
    // [MASK] written in text is one token, the mask id.
    const auto ids = m_tok->encode("The quick [MASK] fox");
    QCOMPARE(std::count(ids.begin(), ids.end(), SpecialTokens::kMask), 1L);
  }

  void roundTripIsExact_data() {
    QTest::addColumn<QString>("text");
    QTest::newRow("plain") << "the cat eats pizza with cheese.";
    QTest::newRow("accents") << "Crème brûlée au café, naïve façade.";
    QTest::newRow("emoji") << "pizza 🍕 and 🦊 fox 👍🏽";
    QTest::newRow("unseen scripts") << "日本語のテキスト и русский текст";
    QTest::newRow("spaces and tabs") << "  two  spaces\tand a tab ";
    QTest::newRow("digits") << "in 1984 there were 12345 of them";
  }
  void roundTripIsExact() {
    QFETCH(QString, text);
    const std::string s = text.toStdString();
    const auto ids = m_tok->encode(s);
    QCOMPARE(m_tok->decode(ids), s);
    // Byte fallback: characters the corpus never had become byte pieces, never <unk>.
    QVERIFY(std::find(ids.begin(), ids.end(), SpecialTokens::kUnk) == ids.end());
  }

  void unseenCharactersUseBytePieces() {
    const auto ids = m_tok->encode("日");
    QVERIFY(std::any_of(ids.begin(), ids.end(), [&](int32_t id) { return m_tok->isByte(id); }));
  }

  void wordCacheGivesTheSameIds_data() {
    QTest::addColumn<QString>("text");
    QTest::newRow("words") << "the cat eats the cat food and the cat";
    QTest::newRow("leading space") << " the cat";
    QTest::newRow("double space") << "the  cat";
    QTest::newRow("trailing space") << "the cat ";
    QTest::newRow("tab inside") << "the\tcat eats";
    QTest::newRow("mask") << "the [MASK] cat";
    QTest::newRow("emoji") << "🍕 pizza🍕 naïve";
    QTest::newRow("digits") << "call 555 1234 now";
  }
  void wordCacheGivesTheSameIds() {
    QFETCH(QString, text);
    WordCacheEncoder cached(*m_tok);
    for (int pass = 0; pass < 2; ++pass) {  // The second pass reads from the cache.
      std::vector<int32_t> ids;
      cached.encodeAppend(text.toStdString(), ids);
      QCOMPARE(ids, m_tok->encode(text.toStdString()));
    }
  }

  void vocabularySizeErrors_data() {
    QTest::addColumn<int>("size");
    QTest::addColumn<QString>("says");
    QTest::newRow("below the fixed minimum") << 100 << "too small: at least 261";
    QTest::newRow("below what the corpus needs") << 280 << "too small for this corpus: it needs at least";
    QTest::newRow("more than the corpus supports")
        << 60000 << "too large for this corpus: it supports at most";
  }
  void vocabularySizeErrors() {
    QFETCH(int, size);
    QFETCH(QString, says);
    QTemporaryDir dir;
    try {
      testdata::trainSmallTokenizer(dir.path(), size);
      QFAIL("no error");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains(says), e.what());
    }
    QVERIFY(!QFile::exists(dir.filePath("tokenizer.model")));
    QVERIFY(!QFile::exists(dir.filePath("tokenizer.model.training")));  // Scratch files removed.
  }

  void unigramTrainsToo() {
    QTemporaryDir dir;
    const auto tok = Tokenizer::load(testdata::trainSmallTokenizer(dir.path(), 350, TokenizerType::Unigram));
    QCOMPARE(tok->decode(tok->encode("a dog sees the river")), std::string("a dog sees the river"));
  }

  void cancellingLeavesNothing() {
    QTemporaryDir dir;
    const QString corpus = dir.filePath("c.txt");
    testdata::writeFile(corpus, testdata::textCorpus(50, 50));
    TokenizerOptions o;
    o.vocabSize = 400;
    const std::string model = dir.filePath("tokenizer.model").toStdString();
    bool sawTraining = false;
    auto progress = [&](const Progress& p) {
      sawTraining |= p.stage == "training tokenizer";
      return p.stage != "training tokenizer";  // Cancel once the helper process runs.
    };
    QVERIFY_THROWS_EXCEPTION(Cancelled, trainTokenizer(listCorpusFiles({{corpus.toStdString()}}),
                                                       TextEncoding::Utf8, o, model, progress));
    QVERIFY(sawTraining);
    QVERIFY(!std::filesystem::exists(model));
    QVERIFY(!std::filesystem::exists(model + ".training"));
  }

  void refusesFilesThatAreNotTokenizers() {
    QTemporaryDir dir;
    testdata::writeFile(dir.filePath("junk.model"), "this is not a model");
    QVERIFY_THROWS_EXCEPTION(InputError, Tokenizer::load(dir.filePath("junk.model").toStdString()));
    QVERIFY_THROWS_EXCEPTION(InputError, Tokenizer::load(dir.filePath("missing.model").toStdString()));
    // A real model truncated half-way.
    QFile f(QString::fromStdString(m_tok->path()));
    QVERIFY(f.open(QIODevice::ReadOnly));
    testdata::writeFile(dir.filePath("cut.model"), f.readAll().left(int(f.size() / 2)));
    QVERIFY_THROWS_EXCEPTION(InputError, Tokenizer::load(dir.filePath("cut.model").toStdString()));
  }

  void hashIdentifiesTheModel() {
    QTemporaryDir dir;
    const auto other = Tokenizer::load(testdata::trainSmallTokenizer(dir.path(), 420));
    QVERIFY(other->hash() != m_tok->hash());
    QCOMPARE(Tokenizer::load(m_tok->path())->hash(), m_tok->hash());
  }

  // The same corpus and settings give the same file, byte for byte, wherever it is trained and with however
  // many threads: the model keeps no path or thread count (tokenizer/model_file.h), and what it does keep
  // of the settings still reads back.
  void theSameSettingsGiveTheSameFile_data() {
    QTest::addColumn<int>("type");
    QTest::newRow("bpe") << int(TokenizerType::Bpe);
    QTest::newRow("unigram") << int(TokenizerType::Unigram);
  }
  void theSameSettingsGiveTheSameFile() {
    QFETCH(int, type);
    QTemporaryDir dir;
    const QString corpus = dir.filePath("corpus.txt");
    testdata::writeFile(corpus, testdata::textCorpus(40, 25));
    QByteArray first;
    for (const QString place : {"a", "somewhere/else/b"}) {
      for (const int threads : {1, 2}) {
        TokenizerOptions o;
        o.vocabSize = 350;
        o.type = TokenizerType(type);
        o.threads = threads;
        QDir(dir.path()).mkpath(place);
        const std::string model =
            dir.filePath(place + QString("/tokenizer-%1.model").arg(threads)).toStdString();
        trainTokenizer(listCorpusFiles({{corpus.toStdString()}}), TextEncoding::Utf8, o, model);
        QFile f(QString::fromStdString(model));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        QVERIFY(!bytes.contains(dir.path().toUtf8()));
        if (first.isEmpty()) first = bytes;
        QVERIFY2(bytes == first, qPrintable(QString::fromStdString(model)));
        const auto tok = Tokenizer::load(model);
        QCOMPARE(tok->vocabSize(), 350);
        QCOMPARE(tok->decode(tok->encode("a dog sees the river")), std::string("a dog sees the river"));
      }
    }
  }
};

QTEST_GUILESS_MAIN(TstTokenizer)
#include "tst_tokenizer.moc"
