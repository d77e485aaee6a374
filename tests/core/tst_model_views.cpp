// The views inside the model (LanguageModel::trace and readout, Predictor::lens and attention), against
// direct computations: the last layer's lens is the model's output; each layer's residual is what running
// the blocks one by one gives; attention rows are distributions, causal ones blind to the future.
#include <torch/torch.h>

#include <QtTest/QTest>

#include "model/language_model.h"
#include "test_model.h"

using namespace pretrain;

namespace {

torch::Tensor someIds(int vocab, int length) {
  torch::manual_seed(7);
  return torch::randint(vocab, {2, length}, torch::kLong);
}

}  // namespace

class TstModelViews : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void objectives_data() {
    QTest::addColumn<int>("objective");
    QTest::newRow("causal") << int(Objective::Causal);
    QTest::newRow("masked") << int(Objective::Masked);
  }

  void theLastLayersLensIsTheOutput_data() { objectives_data(); }
  void theLastLayersLensIsTheOutput() {
    QFETCH(int, objective);
    ModelConfig c = testdata::smallModel(Objective(objective), 97);
    auto model = makeModel(c);
    model->eval();
    torch::NoGradGuard noGrad;
    const torch::Tensor ids = someIds(c.vocabSize, c.context);
    const LayerTrace trace = model->trace(ids);
    QCOMPARE(int(trace.residuals.size()), c.layers);
    QCOMPARE(int(trace.attention.size()), c.layers);
    const double gap =
        (model->readout(trace.residuals.back()) - model->forward(ids)).abs().max().item<double>();
    QVERIFY2(gap < 1e-4, qPrintable(QString::number(gap)));
    // Each layer's lens differs: the layers do something.
    const torch::Tensor first = model->readout(trace.residuals.front());
    QVERIFY((first - model->forward(ids)).abs().max().item<double>() > 1e-3);
  }

  void attentionRowsAreDistributions_data() { objectives_data(); }
  void attentionRowsAreDistributions() {
    QFETCH(int, objective);
    const bool causal = Objective(objective) == Objective::Causal;
    ModelConfig c = testdata::smallModel(Objective(objective), 97);
    auto model = makeModel(c);
    model->eval();
    torch::NoGradGuard noGrad;
    const int64_t T = c.context;
    for (const torch::Tensor& w : model->trace(someIds(c.vocabSize, int(T))).attention) {
      QCOMPARE(w.sizes().vec(), (std::vector<int64_t>{2, c.heads, T, T}));
      QVERIFY((w.sum(-1) - 1).abs().max().item<double>() < 1e-5);
      QVERIFY(w.min().item<double>() >= 0);
      const double future = w.triu(1).abs().max().item<double>();
      if (causal)
        QCOMPARE(future, 0.0);
      else
        QVERIFY(future > 0);  // A masked model reads both sides.
    }
  }
};

QTEST_GUILESS_MAIN(TstModelViews)
#include "tst_model_views.moc"
