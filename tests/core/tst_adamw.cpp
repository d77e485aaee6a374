// The engine's AdamW (fused where there is a fused kernel) against LibTorch's torch::optim::AdamW with the
// same settings, step by step: weight decay on matrices only, clipping, and steps skipped when not finite.
#include <torch/torch.h>

#include <QtTest/QTest>

#include "train/adamw.h"

using namespace pretrain;

namespace {

// GPT-3's AdamW, as the engine uses it.
constexpr double kBeta1 = 0.9, kBeta2 = 0.95, kEps = 1e-8, kWeightDecay = 0.1, kLr = 3e-3;

struct Parameters {
  torch::Tensor weight = torch::randn({64, 48}), bias = torch::randn({48});
  Parameters clone() const { return {weight.clone(), bias.clone()}; }
  void requireGrad() {
    weight.requires_grad_();
    bias.requires_grad_();
  }
  void setGrads(const torch::Tensor& gw, const torch::Tensor& gb) {
    weight.mutable_grad() = gw.clone();
    bias.mutable_grad() = gb.clone();
  }
};

// LibTorch's own AdamW with the engine's settings, clipping first as torch.nn.utils.clip_grad_norm_ does.
struct Reference {
  explicit Reference(Parameters& p) : params(p) {
    auto options = [](double wd) {
      return std::make_unique<torch::optim::AdamWOptions>(
          torch::optim::AdamWOptions(kLr).betas({kBeta1, kBeta2}).eps(kEps).weight_decay(wd));
    };
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(std::vector<torch::Tensor>{p.weight}, options(kWeightDecay));
    groups.emplace_back(std::vector<torch::Tensor>{p.bias}, options(0.0));
    optimizer = std::make_unique<torch::optim::AdamW>(groups, torch::optim::AdamWOptions(kLr));
  }
  void step(double maxNorm) {
    torch::nn::utils::clip_grad_norm_(std::vector<torch::Tensor>{params.weight, params.bias}, maxNorm);
    optimizer->step();
  }
  Parameters& params;
  std::unique_ptr<torch::optim::AdamW> optimizer;
};

double largestDifference(const Parameters& a, const Parameters& b) {
  return std::max((a.weight - b.weight).abs().max().item<double>(),
                  (a.bias - b.bias).abs().max().item<double>());
}

}  // namespace

class TstAdamW : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void init() { torch::manual_seed(11); }

  void matchesLibTorchAdamW_data() {
    QTest::addColumn<double>("maxNorm");
    QTest::newRow("not clipped") << 1e9;
    QTest::newRow("clipped") << 0.5;
  }
  void matchesLibTorchAdamW() {
    QFETCH(double, maxNorm);
    Parameters ours, theirs;
    theirs = ours.clone();
    ours.requireGrad();
    theirs.requireGrad();
    AdamW optimizer({{"h.0.mlp.c_fc.weight", ours.weight}, {"h.0.mlp.c_fc.bias", ours.bias}}, kWeightDecay);
    Reference reference(theirs);
    const torch::Tensor loss = torch::ones({});
    for (int step = 0; step < 6; ++step) {
      const torch::Tensor gw = torch::randn({64, 48}), gb = torch::randn({48});
      ours.setGrads(gw, gb);
      theirs.setGrads(gw, gb);
      torch::NoGradGuard guard;
      optimizer.step(loss, kLr, maxNorm);
      reference.step(maxNorm);
    }
    const double diff = largestDifference(ours, theirs);
    QVERIFY2(diff < 1e-6, qPrintable(QString("largest difference %1").arg(diff)));
    // Six steps of lr 3e-3 moved the weights well beyond that.
    QVERIFY(largestDifference(ours, Parameters{}) > 1e-3);
  }

  void nonFiniteStepChangesNothing() {
    Parameters ours;
    const Parameters before = ours.clone();
    ours.requireGrad();
    AdamW optimizer({{"w", ours.weight}, {"b", ours.bias}}, kWeightDecay);
    torch::Tensor gw = torch::randn({64, 48});
    gw[3][5] = std::numeric_limits<float>::quiet_NaN();
    ours.setGrads(gw, torch::randn({48}));
    torch::NoGradGuard guard;
    optimizer.step(torch::ones({}), kLr, 1.0);
    QCOMPARE(largestDifference(ours, before), 0.0);
    ours.setGrads(torch::randn({64, 48}), torch::randn({48}));
    optimizer.step(torch::full({}, std::numeric_limits<float>::infinity()), kLr, 1.0);
    QCOMPARE(largestDifference(ours, before), 0.0);
  }
};

QTEST_GUILESS_MAIN(TstAdamW)
#include "tst_adamw.moc"
