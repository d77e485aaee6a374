#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_tokenizer.h"
#include "tokenizer/tokenize_corpus.h"
#include "util/error.h"

using namespace pretrain;
namespace fs = std::filesystem;

class TstTokenStore : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  std::shared_ptr<const Tokenizer> m_tok;

  std::string path(const QString& name) const { return m_dir.filePath(name).toStdString(); }

  TokenStoreManifest build(const QString& corpusName, const QString& storeName, TokenStoreOptions o = {}) {
    return buildTokenStore(listCorpusFiles({{path(corpusName)}}), TextEncoding::Utf8, *m_tok, path(storeName),
                           o);
  }

  // A generated corpus in `name`/corpus.txt, to be tokenized into `name`/out with a 400-piece tokenizer.
  struct Pipeline {
    QString corpus;
    CorpusSpec spec;
    std::string out;
    TokenizeOptions options;
    TokenizeResult run(const ProgressFn& progress = {}) const {
      return tokenizeCorpus(spec, out, options, progress);
    }
  };
  Pipeline pipeline(const QString& name, unsigned seed) const {
    Pipeline p;
    p.corpus = m_dir.filePath(name + "/corpus.txt");
    testdata::writeFile(p.corpus, testdata::textCorpus(30, 10, seed));
    p.spec = CorpusSpec{{p.corpus.toStdString()}};
    p.out = path(name + "/out");
    p.options.tokenizer.vocabSize = 400;
    return p;
  }

  static std::vector<uint32_t> tokens(const TokenStore& s, TokenSplit split) {
    std::vector<uint32_t> v;
    for (uint64_t i = 0; i < s.size(split); ++i) v.push_back(s.at(split, i));
    return v;
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_dir.isValid());
    m_tok = Tokenizer::load(testdata::trainSmallTokenizer(m_dir.filePath("tok")));
  }

  void storeHoldsTheDocumentsInOrderAndSplitsByDocument() {
    // 40 documents of 3 sentences: documents 19 and 39 (every 20th) are held out.
    const QByteArray text = testdata::textCorpus(40, 3, 7);
    testdata::writeFile(m_dir.filePath("docs.txt"), text);
    const TokenStoreManifest m = build("docs.txt", "store1");
    QCOMPARE(m.documents, uint64_t(40));
    QCOMPARE(m.validationDocuments, uint64_t(2));
    QCOMPARE(m.trainDocuments, uint64_t(38));
    QCOMPARE(m.splitMethod, std::string("documents"));
    QCOMPARE(m.bytesPerToken, 2);

    // Expected streams, encoded independently, line by line, </s> after each document (the text's
    // final newline gives the last document's empty line).
    std::vector<uint32_t> train, validation;
    const auto docs = text.split('\n');
    int doc = 0;
    for (const QByteArray& line : docs) {
      auto& dst = (doc == 19 || doc == 39) ? validation : train;
      if (line.isEmpty()) {
        dst.push_back(SpecialTokens::kEos);
        ++doc;
        continue;
      }
      for (int32_t id : m_tok->encode(line.toStdString())) dst.push_back(uint32_t(id));
    }
    const TokenStore store(path("store1"));
    QCOMPARE(tokens(store, TokenSplit::Train), train);
    QCOMPARE(tokens(store, TokenSplit::Validation), validation);
    QCOMPARE(m.tokens, uint64_t(train.size() + validation.size()));
    QCOMPARE(m.trainTokens, uint64_t(train.size()));
    QVERIFY(m.words > 0 && m.unknownTokens == 0);
    QCOMPARE(m.topTokens.size(), size_t(20));
    QVERIFY(m.topTokens[0].count >= m.topTokens[1].count);

    std::vector<int64_t> window(5);
    store.read(TokenSplit::Train, 3, 5, window.data());
    for (int i = 0; i < 5; ++i) QCOMPARE(uint32_t(window[size_t(i)]), train[size_t(3 + i)]);
    QVERIFY_THROWS_EXCEPTION(std::out_of_range,
                             store.read(TokenSplit::Train, train.size() - 2, 5, window.data()));
  }

  void oneDocumentIsSplitAtItsTail() {
    testdata::writeFile(m_dir.filePath("one.txt"), testdata::textCorpus(1, 200, 3));
    TokenStoreOptions o;
    o.validationFraction = 0.1;
    const TokenStoreManifest m = build("one.txt", "store2", o);
    QCOMPARE(m.splitMethod, std::string("tail"));
    QCOMPARE(m.validationTokens, uint64_t(std::ceil(m.tokens * 0.1)));
    const TokenStore store(path("store2"));
    QCOMPARE(store.size(TokenSplit::Validation), m.validationTokens);
    QCOMPARE(store.at(TokenSplit::Validation, m.validationTokens - 1), uint32_t(SpecialTokens::kEos));
  }

  void tooFewTokensIsRefusedAndNothingIsWritten() {
    testdata::writeFile(m_dir.filePath("tiny.txt"), "a cat.\n");
    try {
      build("tiny.txt", "store3");
      QFAIL("no error");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("one training window needs 129"), e.what());
    }
    QVERIFY(!fs::exists(path("store3")));
    QVERIFY(!fs::exists(path("store3.building")));
  }

  void pipelineReusesAndRebuilds() {
    const Pipeline p = pipeline("pipe", 11);
    const TokenizeResult first = p.run();
    QVERIFY(first.tokenizerTrained.has_value());
    QVERIFY(!first.storeReused);
    QVERIFY(fs::exists(p.out + "/tokenizer-info.json"));

    const TokenizeResult second = p.run();
    QVERIFY(!second.tokenizerTrained.has_value());
    QVERIFY(second.storeReused);
    QCOMPARE(second.manifest.tokens, first.manifest.tokens);

    // The same size, one word changed: the store is rebuilt, with the same tokenizer.
    QByteArray text = testdata::textCorpus(30, 10, 11);
    text.replace("cat", "bat");
    testdata::writeFile(p.corpus, text);
    const TokenizeResult third = p.run();
    QVERIFY(!third.storeReused);
    QVERIFY(!third.tokenizerTrained.has_value());
    QVERIFY(third.manifest.contentHash != first.manifest.contentHash);

    // A different vocabulary size asked of a folder that has a tokenizer: refused, not silently ignored.
    Pipeline other = p;
    other.options.tokenizer.vocabSize = 500;
    other.options.vocabSizeGiven = true;
    QVERIFY_THROWS_EXCEPTION(InputError, other.run());
  }

  // The store replaces its folder whole: a folder holding anything that is not the store's own is refused,
  // and keeps it; a stale store of ours is replaced.
  void aFolderThatIsNotAStoreIsKept() {
    const Pipeline p = pipeline("foreign", 7);
    const std::string store = tokenStoreDir(p.out);
    fs::create_directories(store);
    testdata::writeFile(QString::fromStdString(store + "/notes.txt"), "mine");
    try {
      p.run();
      QFAIL("no error");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("holds 'notes.txt', which this program did not write"), e.what());
    }
    QVERIFY(fs::exists(store + "/notes.txt"));
    fs::remove(store + "/notes.txt");
    const TokenizeResult built = p.run();  // An empty folder is no one's: the store goes there.
    QVERIFY(!built.storeReused);
    testdata::writeFile(p.corpus, testdata::textCorpus(30, 10, 8));
    QVERIFY(!p.run().storeReused);  // Its own stale store: replaced.
  }

  void halfWrittenStoresAreNeverReused() {
    const Pipeline p = pipeline("half", 5);
    const TokenizeResult good = p.run();
    const std::string store = tokenStoreDir(p.out);
    const std::string hash = good.manifest.contentHash, tokHash = good.manifest.tokenizerHash;
    QVERIFY(TokenStore::isValid(store, hash, tokHash));

    // A token file cut short (a crash while writing, or a damaged disk): not valid, and rebuilt.
    fs::resize_file(store + "/train.bin", fs::file_size(store + "/train.bin") - 2);
    QVERIFY(!TokenStore::isValid(store, hash, tokHash));
    QVERIFY_THROWS_EXCEPTION(InputError, TokenStore{store});
    QVERIFY(!p.run().storeReused);
    QVERIFY(TokenStore::isValid(store, hash, tokHash));

    // No manifest (it is written last): not valid.
    fs::remove(store + "/manifest.json");
    QVERIFY(!TokenStore::isValid(store, hash, tokHash));
    QVERIFY(!p.run().storeReused);

    // A garbled manifest: not valid, with a message.
    testdata::writeFile(QString::fromStdString(store + "/manifest.json"),
                        "{\"format_version\": 1, \"content");
    QVERIFY(!TokenStore::isValid(store, hash, tokHash));
  }

  void damagedTokensAreRefusedWhenOpened() {
    const Pipeline p = pipeline("flipped", 5);
    const TokenizeResult good = p.run();
    const std::string store = tokenStoreDir(p.out);
    const std::string train = tokenStoreFile(store, TokenSplit::Train);
    const auto overwrite = [&](uint64_t offset, const QByteArray& bytes) {
      std::fstream f(train, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(std::streamoff(offset));
      f.write(bytes.data(), bytes.size());
    };
    // A bit flipped on the disk: the checksum sees it.
    overwrite(10, QByteArray(1, char(TokenStore(store).at(TokenSplit::Train, 5) ^ 1)));
    try {
      TokenStore{store};
      QFAIL("a damaged store opened");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("train.bin does not match its checksum"), e.what());
    }
    // An id past the vocabulary (a store of an older build has no checksum to catch it first).
    QVERIFY(p.run().storeReused == false);
    std::ostringstream text;
    text << std::ifstream(store + "/manifest.json").rdbuf();
    std::string manifest = text.str();
    const std::string digest = TokenStore(store).manifest().trainDigest;
    manifest.replace(manifest.find(digest), digest.size(), "");
    testdata::writeFile(QString::fromStdString(store + "/manifest.json"),
                        QByteArray::fromStdString(manifest));
    overwrite(0, QByteArray("\xff\xff", 2));
    try {
      TokenStore{store};
      QFAIL("an id outside the vocabulary was let through");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("holds token id 65535, outside its vocabulary of"), e.what());
    }
  }

  void cancellingKeepsThePreviousStore() {
    const Pipeline p = pipeline("cancel", 9);
    const TokenizeResult good = p.run();
    testdata::writeFile(p.corpus, testdata::textCorpus(30, 10, 10));  // Changed: a rebuild starts...
    auto cancelWhileTokenizing = [](const Progress& p) { return p.stage != "tokenizing"; };
    QVERIFY_THROWS_EXCEPTION(Cancelled, p.run(cancelWhileTokenizing));
    // ...and is cancelled: the old store is intact and still describes the old corpus.
    const TokenStore store(tokenStoreDir(p.out));
    QCOMPARE(store.manifest().contentHash, good.manifest.contentHash);
    QCOMPARE(store.size(TokenSplit::Train), good.manifest.trainTokens);
    QVERIFY(!fs::exists(tokenStoreDir(p.out) + ".building"));
  }
};

QTEST_GUILESS_MAIN(TstTokenStore)
#include "tst_token_store.moc"
