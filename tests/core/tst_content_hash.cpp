// The content hashes: XXH3 for everything new, FNV-1a for what older builds recorded (and a tokenizer's
// identity), each value naming its scheme and checked with it.
#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include "test_data.h"
#include "test_tokenizer.h"
#include "tokenizer/token_store_builder.h"
#include "util/content_hash.h"
#include "util/error.h"

using namespace pretrain;

class TstContentHash : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;

 private Q_SLOTS:
  void knownAnswers() {
    // xxHash's and FNV's own published values for these inputs.
    QCOMPARE(ContentHash().hex(), std::string("xxh3:2d06800538d394c2"));
    QCOMPARE(ContentHash(HashScheme::Fnv1a64).hex(), std::string("fnv1a64:cbf29ce484222325"));
    ContentHash fnv(HashScheme::Fnv1a64);
    fnv.add("a");
    QCOMPARE(fnv.hex(), std::string("fnv1a64:af63dc4c8601ec8c"));
    // Streaming: the same value however the bytes arrive.
    ContentHash whole, parts;
    whole.add("the quick brown fox");
    parts.add("the quick ");
    parts.add("brown fox");
    QCOMPARE(parts.hex(), whole.hex());
  }

  void aValueNamesItsScheme() {
    QCOMPARE(ContentHash::schemeOf("xxh3:2d06800538d394c2"), HashScheme::Xxh3);
    QCOMPARE(ContentHash::schemeOf("fnv1a64:cbf29ce484222325"), HashScheme::Fnv1a64);
    QVERIFY_THROWS_EXCEPTION(InputError, ContentHash::schemeOf("sha1:00"));
  }

  void aTokenizersIdentityStaysFnv() {
    // Every run and checkpoint names its tokenizer by this: a new scheme would orphan them.
    const auto tok = Tokenizer::load(testdata::trainSmallTokenizer(m_dir.filePath("tok")));
    QVERIFY(tok->hash().rfind("fnv1a64:", 0) == 0);
  }

  void aStoreSealedByAnOlderBuildStillOpens() {
    const auto tok = Tokenizer::load(testdata::trainSmallTokenizer(m_dir.filePath("tok2")));
    testdata::writeFile(m_dir.filePath("c.txt"), testdata::textCorpus(40, 3, 7));
    const std::string dir = m_dir.filePath("store").toStdString();
    const TokenStoreManifest m = buildTokenStore(listCorpusFiles({{m_dir.filePath("c.txt").toStdString()}}),
                                                 TextEncoding::Utf8, *tok, dir);
    QVERIFY(m.trainDigest.rfind("xxh3:", 0) == 0 && m.contentHash.rfind("xxh3:", 0) == 0);
    // Sealed as older builds sealed it: FNV-1a digests.
    TokenStoreManifest old = m;
    old.trainDigest = hashFile(tokenStoreFile(dir, TokenSplit::Train), HashScheme::Fnv1a64);
    old.validationDigest = hashFile(tokenStoreFile(dir, TokenSplit::Validation), HashScheme::Fnv1a64);
    testdata::writeFile(QString::fromStdString(dir + "/manifest.json"),
                        QByteArray::fromStdString(old.toJson()));
    QCOMPARE(TokenStore(dir).size(TokenSplit::Train), m.trainTokens);
    // And a damaged file is still found.
    QFile train(QString::fromStdString(tokenStoreFile(dir, TokenSplit::Train)));
    QVERIFY(train.open(QIODevice::ReadWrite));
    train.seek(2);
    const char byte = train.read(1)[0];
    train.seek(2);
    train.write(QByteArray(1, char(byte ^ 1)));
    train.close();
    QVERIFY_THROWS_EXCEPTION(InputError, TokenStore{dir});
  }
};

QTEST_GUILESS_MAIN(TstContentHash)
#include "tst_content_hash.moc"
