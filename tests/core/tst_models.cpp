#include <torch/torch.h>

#include <QtCore/QFileInfo>
#include <QtCore/QProcess>
#include <QtTest/QTest>

#include <cmath>

#include "compute/torch_compat.h"
#include "model/gpt_model.h"
#include "model/language_model.h"
#include "test_model.h"
#include "util/error.h"

using namespace pretrain;

namespace {

ModelConfig small(Objective o) { return testdata::smallModel(o, 97); }

// tests/reference/gpt2_reference.py's logits (T, V), run with `flags`; an empty tensor when it cannot run.
torch::Tensor referenceLogits(const QStringList& flags) {
  QProcess python;
  // Debian's interpreter where there is one (the script needs nothing beyond the standard library).
  const QString program = QFileInfo::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  python.start(program, QStringList(PRETRAIN_SOURCE_DIR "/tests/reference/gpt2_reference.py") + flags);
  if (!python.waitForFinished(60000) || python.exitCode() != 0) {
    qWarning("%s: %s", qPrintable(program), python.readAllStandardError().constData());
    return {};
  }
  std::vector<double> values;
  int64_t rows = 0;
  for (const QByteArray& line : python.readAllStandardOutput().trimmed().split('\n')) {
    ++rows;
    for (const QByteArray& v : line.simplified().split(' ')) values.push_back(v.toDouble());
  }
  return torch::tensor(values, torch::kDouble).view({rows, -1});
}

}  // namespace

class TstModels : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void init() { torch::manual_seed(1); }

  void causalModelNeverSeesTheFuture() {
    auto model = makeModel(small(Objective::Causal));
    model->eval();
    torch::NoGradGuard guard;
    const torch::Tensor ids = torch::randint(5, 97, {2, 16}, torch::kLong);
    torch::Tensor changed = ids.clone();
    changed.index_put_({torch::indexing::Slice(), 10}, (ids.index({torch::indexing::Slice(), 10}) + 1) % 97);
    const auto a = model->forward(ids), b = model->forward(changed);
    QCOMPARE(a.sizes().vec(), (std::vector<int64_t>{2, 16, 97}));
    // Positions before 10 are untouched; position 10 and later do change.
    QVERIFY(torch::equal(a.narrow(1, 0, 10), b.narrow(1, 0, 10)));
    QVERIFY(!torch::allclose(a.narrow(1, 10, 6), b.narrow(1, 10, 6)));
  }

  void cachedReadingEqualsReadingWhole() {
    // Reading a prefix, then the rest one position at a time from the cached keys and values, gives the
    // logits of reading everything at once; rows of the cache can be copied to continue several ways.
    auto model = makeModel(testdata::smallModel(Objective::Causal, 50));
    model->eval();
    auto* gpt = dynamic_cast<GptModel*>(model.get());
    QVERIFY(gpt);
    torch::NoGradGuard guard;
    const torch::Tensor ids = torch::randint(50, {1, 12}, torch::kLong);
    const torch::Tensor whole = gpt->forward(ids);
    std::vector<KvCache> cache;
    torch::Tensor parts = gpt->forward(ids.slice(1, 0, 8), cache);
    for (int64_t t = 8; t < 12; ++t)
      parts = torch::cat({parts, gpt->forward(ids.slice(1, t, t + 1), cache)}, 1);
    QVERIFY(torch::allclose(whole, parts, 1e-4, 1e-5));
    QCOMPARE(cache.front().length(), int64_t(12));
    for (KvCache& c : cache) c.share();
    const torch::Tensor two = torch::zeros({2}, torch::kLong);
    for (KvCache& c : cache) c.selectRows(two);
    const torch::Tensor next = torch::tensor({{3}, {7}}, torch::kLong);
    const torch::Tensor branched = gpt->forward(next, cache);  // (2, 1, V)
    const torch::Tensor seven = gpt->forward(torch::cat({ids, torch::full({1, 1}, 7, torch::kLong)}, 1));
    QVERIFY(torch::allclose(branched[1][0], seven[0][-1], 1e-4, 1e-5));
    // A further step reads the shared part and each row's own: row 0 continues 3 with 5.
    for (KvCache& c : cache) c.selectRows(torch::tensor({0}, torch::kLong));
    const torch::Tensor after = gpt->forward(torch::tensor({{5}}, torch::kLong), cache);
    const torch::Tensor direct = gpt->forward(torch::cat({ids, torch::tensor({{3, 5}}, torch::kLong)}, 1));
    QVERIFY(torch::allclose(after[0][0], direct[0][-1], 1e-4, 1e-5));
  }

  void libtorchErrorsReadAsOneLine() {
    auto model = makeModel(testdata::smallModel(Objective::Causal, 50));
    try {
      model->forward(torch::zeros({1, 17}, torch::kLong));  // Longer than the context of 16.
      QFAIL("no error");
    } catch (const std::exception& e) {
      QVERIFY(std::string(e.what()).find('\n') != std::string::npos);  // LibTorch adds its stack trace...
      QCOMPARE(currentErrorMessage(),
               std::string("sequence of 17 tokens is longer than the context 16"));  // ...not shown.
    }
  }

  // The forward pass is the standard GPT-2 one (so an exported model means the same elsewhere): a tiny
  // model with fixed weights gives the logits that tests/reference/gpt2_reference.py computes in plain
  // Python from the paper's equations (each parameter 0.3 sin(0.37 (j + 1) + 0.01 sum(bytes of its name))
  // at flat index j), run here, with GPT-2's tanh GELU and with the exact one, and the first layer's logit
  // lens. The model runs in float64, so the two agree to ~1e-15 and 1e-9 tells the two GELUs (which move
  // the logits by ~1e-5) apart by four orders of magnitude.
  void gpt2ReferenceLogits_data() {
    QTest::addColumn<int>("activation");
    QTest::addColumn<bool>("lens");
    QTest::newRow("GPT-2's tanh GELU") << int(Activation::GeluTanh) << false;
    QTest::newRow("exact GELU (--exact-gelu)") << int(Activation::Gelu) << false;
    QTest::newRow("the first layer's lens (--exact-gelu --lens)") << int(Activation::Gelu) << true;
  }

  void gpt2ReferenceLogits() {
    QFETCH(int, activation);
    QFETCH(bool, lens);
    ModelConfig c;
    c.vocabSize = 11;
    c.dim = 8;
    c.heads = 2;
    c.layers = 2;
    c.context = 6;
    c.mlpDim = 16;
    c.activation = Activation(activation);
    auto model = makeModel(c);
    model->to(torch::kDouble);
    model->eval();
    torch::NoGradGuard guard;
    for (auto& p : model->named_parameters()) {
      double s = 0;
      for (const char ch : p.key()) s += 0.01 * static_cast<unsigned char>(ch);
      const torch::Tensor j = torch::arange(1, p.value().numel() + 1, torch::kDouble);
      p.value().copy_((0.3 * torch::sin(0.37 * j + s)).view(p.value().sizes()));
    }
    const torch::Tensor ids = torch::tensor({{3, 7, 1, 10, 0}}, torch::kLong);
    const torch::Tensor ours =
        lens ? model->readout(model->trace(ids).residuals.front())[0] : model->forward(ids)[0];
    QStringList flags;
    if (c.activation == Activation::Gelu) flags << "--exact-gelu";
    if (lens) flags << "--lens";
    const torch::Tensor expected = referenceLogits(flags);
    QVERIFY2(expected.defined() && expected.sizes() == ours.sizes(),
             "the reference script gave no logits of this shape");
    const double worst = (ours - expected).abs().max().item<double>();
    QVERIFY2(worst < 1e-9, qPrintable(QString("largest difference %1").arg(worst)));
    if (lens) return;
    // What the tolerance must tell apart: the other GELU's logits.
    const torch::Tensor other =
        referenceLogits(c.activation == Activation::Gelu ? QStringList() : QStringList("--exact-gelu"));
    QVERIFY((ours - other).abs().max().item<double>() > 1e4 * 1e-9);
  }

  // Fused attention (LibTorch 2.x's scaled_dot_product_attention) against the matmul-and-softmax path on
  // the same inputs: bidirectional, causal, and causal after cached and shared keys, as the Playground
  // reads. Runs where the LibTorch has fused attention (the GPU script's build); 1.13 has only one path.
  void fusedAttentionEqualsMatmul_data() {
    QTest::addColumn<bool>("causal");
    QTest::addColumn<int>("queries");
    QTest::addColumn<int>("keys");    // each row's own, the queries last
    QTest::addColumn<int>("shared");  // before those, the same for every row
    QTest::newRow("bidirectional") << false << 9 << 9 << 0;
    QTest::newRow("causal") << true << 9 << 9 << 0;
    QTest::newRow("causal after cached keys") << true << 3 << 11 << 0;
    QTest::newRow("causal after shared and cached keys") << true << 2 << 6 << 5;
    QTest::newRow("one query after shared keys") << true << 1 << 1 << 7;
  }

  void fusedAttentionEqualsMatmul() {
    if (!compat::hasFusedAttention())
      QSKIP(qPrintable("LibTorch " + QString::fromStdString(compat::libtorchVersion()) +
                       " has no fused attention"));
    QFETCH(bool, causal);
    QFETCH(int, queries);
    QFETCH(int, keys);
    QFETCH(int, shared);
    std::vector<torch::Device> devices = {torch::kCPU};
    if (torch::cuda::is_available()) devices.push_back(torch::kCUDA);
    for (const torch::Device& device : devices) {
      const auto o = torch::TensorOptions().device(device);
      compat::AttentionInputs in;
      in.q = torch::randn({3, 2, queries, 8}, o);
      in.k = torch::randn({3, 2, keys, 8}, o);
      in.v = torch::randn({3, 2, keys, 8}, o);
      if (shared > 0) {
        in.sharedK = torch::randn({1, 2, shared, 8}, o);
        in.sharedV = torch::randn({1, 2, shared, 8}, o);
      }
      in.causal = causal;
      const double worst = (compat::attention(in) - compat::matmulAttention(in)).abs().max().item<double>();
      QVERIFY2(worst < 1e-4,
               qPrintable(QString("%1: largest difference %2").arg(device.str().c_str()).arg(worst)));
    }
  }

  void maskedModelSeesBothSides() {
    auto model = makeModel(small(Objective::Masked));
    model->eval();
    torch::NoGradGuard guard;
    const torch::Tensor ids = torch::randint(5, 97, {1, 16}, torch::kLong);
    torch::Tensor changed = ids.clone();
    changed[0][10] = (ids[0][10].item<int64_t>() + 1) % 97;
    const auto a = model->forward(ids), b = model->forward(changed);
    QVERIFY(!torch::allclose(a.narrow(1, 0, 10), b.narrow(1, 0, 10)));  // Earlier positions see the change.
  }

  void parametersAreNamedLikeTheirCheckpoints_data() {
    QTest::addColumn<int>("objective");
    QTest::addColumn<QStringList>("names");
    QTest::newRow("GPT-2") << int(Objective::Causal)
                           << QStringList{"wte.weight",
                                          "wpe.weight",
                                          "h.0.ln_1.weight",
                                          "h.0.attn.c_attn.weight",
                                          "h.0.attn.c_attn.bias",
                                          "h.0.attn.c_proj.weight",
                                          "h.0.ln_2.bias",
                                          "h.1.mlp.c_fc.weight",
                                          "h.1.mlp.c_proj.bias",
                                          "ln_f.weight",
                                          "ln_f.bias"};
    QTest::newRow("BERT") << int(Objective::Masked)
                          << QStringList{"embeddings.word_embeddings.weight",
                                         "embeddings.position_embeddings.weight",
                                         "embeddings.LayerNorm.weight",
                                         "encoder.layer.0.attention.self.query.weight",
                                         "encoder.layer.0.attention.self.key.bias",
                                         "encoder.layer.0.attention.self.value.weight",
                                         "encoder.layer.0.attention.output.dense.weight",
                                         "encoder.layer.0.attention.output.LayerNorm.weight",
                                         "encoder.layer.1.intermediate.dense.weight",
                                         "encoder.layer.1.output.dense.bias",
                                         "encoder.layer.1.output.LayerNorm.bias",
                                         "cls.predictions.transform.dense.weight",
                                         "cls.predictions.transform.LayerNorm.weight",
                                         "cls.predictions.bias"};
  }
  void parametersAreNamedLikeTheirCheckpoints() {
    QFETCH(int, objective);
    QFETCH(QStringList, names);
    const ModelConfig c = small(Objective(objective));
    auto model = makeModel(c);
    const auto params = model->named_parameters();
    for (const QString& n : names) QVERIFY2(params.contains(n.toStdString()), qPrintable(n));
    int64_t count = 0;
    for (const auto& p : model->parameters()) count += p.numel();
    QCOMPARE(count, c.parameterCount());          // The config's arithmetic is the model's.
    QVERIFY(!params.contains("lm_head.weight"));  // Output projection tied, not a second matrix.
  }

  void initialLossIsNearLnVocab_data() {
    QTest::addColumn<int>("objective");
    QTest::newRow("causal") << int(Objective::Causal);
    QTest::newRow("masked") << int(Objective::Masked);
  }
  void initialLossIsNearLnVocab() {
    QFETCH(int, objective);
    ModelConfig c = small(Objective(objective));
    c.vocabSize = 1000;
    auto model = makeModel(c);
    torch::NoGradGuard guard;
    const torch::Tensor ids = torch::randint(5, 1000, {8, 16}, torch::kLong);
    double loss;
    if (Objective(objective) == Objective::Causal) {  // Position t predicts token t+1.
      const auto logits = model->forward(ids).narrow(1, 0, 15).reshape({-1, 1000});
      loss = torch::nn::functional::cross_entropy(logits, ids.narrow(1, 1, 15).reshape({-1})).item<double>();
    } else {  // Every other position hidden behind [MASK] (id 4) and predicted.
      torch::Tensor masked = ids.clone();
      masked.index_put_({torch::indexing::Slice(), torch::indexing::Slice(0, 16, 2)}, 4);
      const auto logits =
          model->forward(masked).index({torch::indexing::Slice(), torch::indexing::Slice(0, 16, 2)});
      const auto targets = ids.index({torch::indexing::Slice(), torch::indexing::Slice(0, 16, 2)});
      loss = torch::nn::functional::cross_entropy(logits.reshape({-1, 1000}), targets.reshape({-1}))
                 .item<double>();
    }
    QVERIFY2(std::abs(loss - std::log(1000.0)) < 0.05 * std::log(1000.0), qPrintable(QString::number(loss)));
  }

  void configurationsRoundTripAndOldRunsKeepTheirActivation() {
    ModelConfig c = ModelConfig::preset("tiny", Objective::Causal, 8000);
    QCOMPARE(int(c.activation), int(Activation::Gelu));  // new models: the exact GELU
    QVERIFY(ModelConfig::fromJson(c.toJson()) == c);
    c.activation = Activation::GeluTanh;
    QVERIFY(ModelConfig::fromJson(c.toJson()) == c);
    // A config.json or checkpoint written before the field existed.
    const std::string old =
        R"({"objective":"clm","vocab_size":8000,"layers":4,"heads":4,"dim":256,"mlp_dim":1024,"context":128,)"
        R"("dropout":0.0})";
    QCOMPARE(int(ModelConfig::fromJson(old).activation), int(Activation::GeluTanh));
    std::string oldBert = old;
    oldBert.replace(oldBert.find("clm"), 3, "mlm");
    QCOMPARE(int(ModelConfig::fromJson(oldBert).activation), int(Activation::Gelu));
    std::string unknown = old;
    unknown.insert(unknown.size() - 1, R"(,"activation":"relu")");
    QVERIFY_THROWS_EXCEPTION(InputError, ModelConfig::fromJson(unknown));
  }

  void presetsAndImpossibleSettings() {
    const ModelConfig tiny = ModelConfig::preset("tiny", Objective::Causal, 8000);
    QCOMPARE(tiny.layers, 4);
    QCOMPARE(tiny.dim, 256);
    QCOMPARE(tiny.context, 128);
    QCOMPARE(ModelConfig::preset("small", Objective::Masked, 8000).heads, 6);
    QCOMPARE(ModelConfig::preset("base", Objective::Masked, 8000).dim, 512);
    const ModelConfig gpt2 = ModelConfig::preset("gpt2", Objective::Causal, 50257);
    QCOMPARE(gpt2.context, 1024);
    QVERIFY(std::abs(double(gpt2.parameterCount()) - 124.4e6) < 0.1e6);  // GPT-2 small, 124M
    QVERIFY_THROWS_EXCEPTION(InputError, ModelConfig::preset("huge", Objective::Causal, 8000));
    ModelConfig bad = tiny;
    bad.heads = 3;
    try {
      bad.validate();
      QFAIL("no error");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("3 heads do not divide the width 256"), e.what());
    }
    auto model = makeModel(small(Objective::Causal));
    QVERIFY_THROWS_EXCEPTION(c10::Error, model->forward(torch::zeros({1, 17}, torch::kLong)));  // > context
    // FLOPs: 6 per parameter-token plus attention; memory grows with the batch.
    QCOMPARE(tiny.trainingFlopsPerToken(), 6.0 * double(tiny.parameterCount()) + 12.0 * 4 * 128 * 256);
    QVERIFY(tiny.trainingMemoryBytes(32, false) > tiny.trainingMemoryBytes(16, false));
    QCOMPARE(ModelConfig::fromJson(tiny.toJson()).toJson(), tiny.toJson());
  }

  void snapshotIsIndependent() {
    auto model = makeModel(small(Objective::Causal));
    auto snap = snapshotModel(*model);
    const torch::Tensor ids = torch::randint(5, 97, {1, 8}, torch::kLong);
    torch::NoGradGuard guard;
    model->eval();
    QVERIFY(torch::equal(model->forward(ids), snap->forward(ids)));
    for (auto& p : model->parameters()) p.add_(0.1);
    QVERIFY(!torch::equal(model->forward(ids), snap->forward(ids)));
  }
};

QTEST_GUILESS_MAIN(TstModels)
#include "tst_models.moc"
