// LibTorch and SentencePiece in one process (ENVIRONMENT.md, trap 1): linked naively they crash before
// main() or abort on a protobuf version check. This executable links LibTorch, does tensor work, then
// trains, loads and uses a SentencePiece tokenizer, then does tensor work again.
#include <torch/torch.h>

#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include "test_tokenizer.h"

using namespace pretrain;

class TstTorchSpmProcess : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void tensorsThenTokenizerThenTensors() {
    torch::manual_seed(0);
    const torch::Tensor a = torch::randn({64, 64});
    const torch::Tensor inv = torch::linalg::inv(a + 64 * torch::eye(64));
    QVERIFY(torch::allclose(torch::matmul(a + 64 * torch::eye(64), inv), torch::eye(64), 1e-4, 1e-4));

    QTemporaryDir dir;
    const auto tok = Tokenizer::load(testdata::trainSmallTokenizer(dir.path()));
    const std::string text = "The quick [MASK] fox 🦊 mange une crème brûlée.";
    const std::vector<int32_t> ids = tok->encode(text);
    QCOMPARE(tok->decode(ids), text);

    // The ids become a tensor and go through an embedding: the two libraries working together.
    const torch::Tensor idx = torch::tensor(std::vector<int64_t>(ids.begin(), ids.end()));
    torch::nn::Embedding emb(tok->vocabSize(), 16);
    const torch::Tensor out = emb(idx).sum();
    out.backward();
    QCOMPARE(emb->weight.grad().sum(1).nonzero().size(0), std::get<0>(torch::_unique(idx)).size(0));
  }
};

QTEST_GUILESS_MAIN(TstTorchSpmProcess)
#include "tst_torch_spm_process.moc"
