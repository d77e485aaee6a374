#include <torch/torch.h>

#include <QtTest/QTest>

#include <cmath>

#include "compute/torch_compat.h"
#include "model/gpt_model.h"
#include "model/language_model.h"
#include "test_model.h"
#include "util/error.h"

using namespace pretrain;

Q_DECLARE_METATYPE(std::vector<double>)

namespace {

ModelConfig small(Objective o) { return testdata::smallModel(o, 97); }

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
  // at flat index j), with GPT-2's tanh GELU and with the exact one. Float32 against float64: within 1e-5.
  void gpt2ReferenceLogits_data() {
    QTest::addColumn<int>("activation");
    QTest::addColumn<std::vector<double>>("reference");
    QTest::newRow("GPT-2's tanh GELU")
        << int(Activation::GeluTanh)
        << std::vector<double>{
               -0.06736751, 0.02924921,  0.009830973,  -0.04858785, 0.08574691,  -0.1200861,  0.1504763,
               -0.175918,   0.1955745,   -0.2087996,   0.2151581,   -0.1092917,  0.05731529,  -0.00345405,
               -0.05052078, 0.1028342,   -0.1517659,   0.1957067,   -0.2332117,  0.2630473,   -0.2842326,
               0.2960708,   -0.03398515, -0.007277785, 0.04830139,  -0.08773658, 0.1242865,   -0.1567493,
               0.1840572,   -0.2053124,  0.2198158,    -0.2270905,  0.2268972,   -0.03202972, -0.02129758,
               0.07392449,  -0.1241204,  0.1702345,    -0.2107504,  0.2443357,   -0.2698859,  0.2865609,
               -0.2938121,  0.2914013,   -0.01488112,  -0.01606139, 0.04647571,  -0.07536167, 0.1017693,
               -0.1248303,  0.1437861,   -0.1580135,   0.1670445,   -0.1705823,  0.1685103};
    QTest::newRow("exact GELU (--exact-gelu)")
        << int(Activation::Gelu)
        << std::vector<double>{
               -0.06736256, 0.02924259,  0.009839025,  -0.04859709, 0.08575701, -0.1200968,  0.1504871,
               -0.1759287,  0.1955847,   -0.2088089,   0.2151663,   -0.1092851, 0.0573069,   -0.003444136,
               -0.05053189, 0.1028462,   -0.1517783,   0.1957191,   -0.2332237, 0.2630586,   -0.2842427,
               0.2960794,   -0.03397635, -0.007288387, 0.04831345,  -0.0877497, 0.1243003,   -0.1567632,
               0.1840709,   -0.2053253,  0.2198276,    -0.2271007,  0.2269056,  -0.03202081, -0.02130786,
               0.07393582,  -0.1241324,  0.1702468,    -0.2107626,  0.2443473,  -0.2698966,  0.2865703,
               -0.29382,    0.2914073,   -0.01487884,  -0.01606457, 0.04647969, -0.07536631, 0.1017745,
               -0.1248357,  0.1437918,   -0.1580191,   0.16705,     -0.1705873, 0.1685148};
  }

  void gpt2ReferenceLogits() {
    QFETCH(int, activation);
    QFETCH(std::vector<double>, reference);
    ModelConfig c;
    c.vocabSize = 11;
    c.dim = 8;
    c.heads = 2;
    c.layers = 2;
    c.context = 6;
    c.mlpDim = 16;
    c.activation = Activation(activation);
    auto model = makeModel(c);
    model->eval();
    torch::NoGradGuard guard;
    for (auto& p : model->named_parameters()) {
      double s = 0;
      for (const char ch : p.key()) s += 0.01 * static_cast<unsigned char>(ch);
      const torch::Tensor j = torch::arange(1, p.value().numel() + 1, torch::kDouble);
      p.value().copy_((0.3 * torch::sin(0.37 * j + s)).view(p.value().sizes()));
    }
    const torch::Tensor ids = torch::tensor({{3, 7, 1, 10, 0}}, torch::kLong);
    const torch::Tensor logits = model->forward(ids)[0];
    const torch::Tensor expected = torch::tensor(reference, torch::kDouble).view({5, 11});
    const double worst = (logits.to(torch::kDouble) - expected).abs().max().item<double>();
    QVERIFY2(worst < 1e-5, qPrintable(QString("largest difference %1").arg(worst)));
    if (Activation(activation) != Activation::Gelu) return;
    // The logit lens of the first layer: its output read through ln_f and the output layer (the script's
    // --exact-gelu --lens).
    const std::vector<double> lens = {
        -0.07804218, 0.04165169,  -0.003891466, -0.03399673, 0.07076693, -0.1052099,  0.1361931,
        -0.1626974,  0.1838514,   -0.1989594,   0.2075246,   -0.1495043, 0.08427961,  -0.01628336,
        -0.05224837, 0.1190619,   -0.18196,     0.2388743,   -0.2879332, 0.3275232,   -0.3563425,
        0.3734434,   -0.01505188, -0.02752909,  0.06920476,  -0.1086046, 0.1444329,   -0.1755116,
        0.2008184,   -0.2195213,  0.2310051,    -0.2348922,  0.2310548,  0.009763463, -0.08768345,
        0.1627199,   -0.2324053,  0.294448,     -0.3468076,  0.3877623,  -0.4159653,  0.4304891,
        -0.4308562,  0.4170543,   0.009187849,  -0.0363703,  0.06235671, -0.08629249, 0.1073905,
        -0.1249569,  0.1384141,   -0.1473195,   0.1513802,   -0.1504628, 0.1445973};
    const torch::Tensor firstLayer = model->readout(model->trace(ids).residuals.front())[0];
    const double lensWorst =
        (firstLayer.to(torch::kDouble) - torch::tensor(lens, torch::kDouble).view({5, 11}))
            .abs()
            .max()
            .item<double>();
    QVERIFY2(lensWorst < 1e-5, qPrintable(QString("lens: largest difference %1").arg(lensWorst)));
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
