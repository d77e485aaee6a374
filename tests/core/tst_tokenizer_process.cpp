// SentencePiece lives in a helper process (tokenizer/helper_protocol.h). This executable links LibTorch,
// does tensor work, trains and uses a tokenizer, and checks that its own memory map never holds
// SentencePiece (nor a protobuf other than LibTorch's own), that a helper which dies is replaced, that one
// which keeps dying is an error rather than a hang, and that a file which makes the helper crash costs
// the caller nothing but a message.
#include <torch/torch.h>

#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <dlfcn.h>
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <set>

#include "test_process.h"
#include "test_tokenizer.h"
#include "util/error.h"

using namespace pretrain;

class TstTokenizerProcess : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  std::string m_model;

 private Q_SLOTS:
  void initTestCase() { m_model = testdata::trainSmallTokenizer(m_dir.path()); }

  void sentencePieceNeverEntersThisProcess() {
    const std::set<QString> protobufBefore =
        testdata::mappedFiles("self", "protobuf");  // LibTorch's own, if any
    torch::manual_seed(0);
    const torch::Tensor a = torch::randn({64, 64}) + 64 * torch::eye(64);
    QVERIFY(torch::allclose(torch::matmul(a, torch::inverse(a)), torch::eye(64), 1e-4, 1e-4));

    const auto tok = Tokenizer::load(m_model);
    const std::string text = "The quick [MASK] fox 🦊 mange une crème brûlée.";
    const std::vector<int32_t> ids = tok->encode(text);
    QCOMPARE(tok->decode(ids), text);
    // The ids go through a LibTorch embedding: the two working together, in two processes.
    const torch::Tensor idx = torch::tensor(std::vector<int64_t>(ids.begin(), ids.end()));
    torch::nn::Embedding emb(tok->vocabSize(), 16);
    emb(idx).sum().backward();
    QCOMPARE(emb->weight.grad().sum(1).nonzero().size(0), std::get<0>(torch::_unique(idx)).size(0));

    QVERIFY2(testdata::mappedFiles("self", "sentencepiece").empty(),
             "SentencePiece is mapped into this process");
    QCOMPARE(testdata::mappedFiles("self", "protobuf"), protobufBefore);
  }

  // PyTorch's own LibTorch builds export std::filesystem functions of their own (pytorch/pytorch#133437);
  // the engine's calls must reach libstdc++'s, or the first file operation crashes (seen on a GPU machine).
  void fileOperationsUseTheSystemsStandardLibrary() {
    using RemoveAll = std::uintmax_t (*)(const std::filesystem::path&, std::error_code&);
    const auto removeAll = static_cast<RemoveAll>(&std::filesystem::remove_all);
    Dl_info info{};
    QVERIFY(::dladdr(reinterpret_cast<void*>(removeAll), &info) != 0 && info.dli_fname);
    QVERIFY2(QString(info.dli_fname).contains("libstdc++"), info.dli_fname);
  }

  void batchesGiveWhatSingleRequestsGive() {
    const auto tok = Tokenizer::load(m_model);
    const std::vector<std::string_view> texts = {"the cat", "", "naïve café 🍕", "[MASK] eats"};
    const auto batch = tok->encodeBatch(texts);
    QCOMPARE(batch.size(), texts.size());
    for (size_t i = 0; i < texts.size(); ++i) QCOMPARE(batch[i], tok->encode(texts[i]));
    const auto decoded = tok->decodeBatch(batch);
    for (size_t i = 0; i < texts.size(); ++i) QCOMPARE(decoded[i], std::string(texts[i]));
    QVERIFY_THROWS_EXCEPTION(Error, tok->decode({tok->vocabSize() + 5}));
    QCOMPARE(tok->encode("the cat"), batch[0]);  // The connection is still in step after an error.
  }

  void aDeadHelperIsReplacedAndOneThatKeepsDyingIsAnError() {
    const auto tok = Tokenizer::load(m_model);
    const std::vector<int32_t> expected = tok->encode("the old man");
    for (int restart = 1; restart <= 3; ++restart) {
      const pid_t pid = tok->helperPid();
      QCOMPARE(::kill(pid, SIGKILL), 0);
      QTRY_VERIFY_WITH_TIMEOUT(testdata::processEnded(pid), 2000);
      QCOMPARE(tok->encode("the old man"), expected);  // Started again, same answer.
      QVERIFY(tok->helperPid() != pid);
    }
    ::kill(tok->helperPid(), SIGKILL);
    try {
      tok->encode("the old man");
      QFAIL("a fourth death was not reported");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("keeps failing") != std::string::npos, e.what());
    }
  }

  void theHelperEndsWithItsTokenizer() {
    pid_t pid = 0;
    {
      const auto tok = Tokenizer::load(m_model);
      pid = tok->helperPid();
      QCOMPARE(::kill(pid, 0), 0);
    }
    QTRY_VERIFY_WITH_TIMEOUT(testdata::processEnded(pid), 2000);
  }

  void damagedFilesAreRefused_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("garbage") << QByteArray("this is not a SentencePiece model\x01\x02\x03", 36);
    QTest::newRow("empty") << QByteArray();
    QFile model(QString::fromStdString(m_model));
    QVERIFY(model.open(QIODevice::ReadOnly));
    QTest::newRow("truncated") << model.readAll().left(300);
  }

  void damagedFilesAreRefused() {
    QFETCH(QByteArray, bytes);
    const QString path = m_dir.filePath("damaged.model");
    testdata::writeFile(path, bytes);
    QVERIFY_THROWS_EXCEPTION(InputError, Tokenizer::load(path.toStdString()));
  }

  void aHelperThatCrashesOnTheFileCostsOnlyAMessage() {
    // A stand-in helper that crashes as SentencePiece might on a hostile file.
    QTemporaryDir fake;
    const QString helper = fake.filePath("pretrain-tokenizer");
    testdata::writeFile(helper, "#!/bin/sh\nkill -SEGV $$\n");
    QFile::setPermissions(helper, QFile::ReadOwner | QFile::ExeOwner);
    qputenv("PRETRAIN_LIBEXEC_DIR", fake.path().toUtf8());
    try {
      Tokenizer::load(m_model);
      QFAIL("no error");
    } catch (const InputError& e) {
      QVERIFY2(std::string(e.what()).find("signal 11") != std::string::npos, e.what());
    }
    qunsetenv("PRETRAIN_LIBEXEC_DIR");
    QCOMPARE(Tokenizer::load(m_model)->encode("a cat").empty(), false);  // and this process goes on
  }
};

QTEST_GUILESS_MAIN(TstTokenizerProcess)
#include "tst_tokenizer_process.moc"
