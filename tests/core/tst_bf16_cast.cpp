// The vectorised fp32 <-> bf16 conversions against LibTorch's own, bit for bit: ties, the largest values,
// infinities, NaN, subnormals and zeros of both signs.
#include <torch/torch.h>

#include <QtTest/QTest>

#include "compute/bf16_cast.h"

using namespace pretrain;

namespace {

uint16_t* bits(const torch::Tensor& t) { return reinterpret_cast<uint16_t*>(t.data_ptr<at::BFloat16>()); }

// Random values, and the awkward ones.
torch::Tensor testValues() {
  const float inf = std::numeric_limits<float>::infinity();
  const torch::Tensor special =
      torch::tensor({0.0f, -0.0f, 1.0f, inf, -inf, std::numeric_limits<float>::quiet_NaN(),
                     std::numeric_limits<float>::max(), std::numeric_limits<float>::denorm_min(),
                     std::numeric_limits<float>::min(), 1.0f + 1.0f / 256, 1.0f + 3.0f / 256, -3.5f});
  return torch::cat({special, torch::randn({99998}) * 30, torch::randn({1000}) * 1e-39});
}

}  // namespace

class TstBf16Cast : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void narrowingMatchesLibTorch() {
    torch::manual_seed(5);
    const torch::Tensor values = testValues().reshape({-1, 7}), scaled = values.clone();
    torch::Tensor scale = torch::rand({values.size(0)}) + 0.5;
    scale[0] = 1;
    const torch::Tensor ours = torch::empty(values.sizes(), torch::kBFloat16);
    narrowRowsToBf16(values.data_ptr<float>(), bits(ours), values.size(0), values.size(1),
                     scale.data_ptr<float>());
    const torch::Tensor theirs = (values * scale.unsqueeze(1)).to(torch::kBFloat16);
    // NaN stays NaN (LibTorch's own vectorised and scalar paths disagree on which NaN); the rest bit for bit.
    const torch::Tensor nan = theirs.isnan();
    QVERIFY(torch::equal(ours.isnan(), nan));
    QVERIFY(torch::equal(ours.view(torch::kShort).masked_fill(nan, 0),
                         theirs.view(torch::kShort).masked_fill(nan, 0)));
  }

  // Each row's largest value (as amax finds it, NaN where the row holds one) and the widened values less it
  // (as LibTorch subtracts in fp32).
  void wideningLessRowMaxMatchesLibTorch() {
    torch::manual_seed(6);
    const torch::Tensor values = testValues().to(torch::kBFloat16).reshape({-1, 13});
    const torch::Tensor ours = torch::empty(values.sizes(), torch::kFloat),
                        max = torch::empty({values.size(0), 1});
    widenBf16LessRowMax(bits(values), ours.data_ptr<float>(), values.size(0), values.size(1),
                        max.data_ptr<float>());
    const torch::Tensor wide = values.to(torch::kFloat), theirMax = std::get<0>(wide.max(1, true));
    QVERIFY(torch::equal(max.isnan(), theirMax.isnan()));
    const torch::Tensor finite = theirMax.isnan().logical_not().squeeze(1);
    QVERIFY(torch::equal(max.index({finite}), theirMax.index({finite})));
    QVERIFY(torch::equal(ours.index({finite}).view(torch::kInt),
                         (wide - theirMax).index({finite}).view(torch::kInt)));
    QVERIFY(finite.sum().item<int64_t>() > 1000);
  }
};

QTEST_GUILESS_MAIN(TstBf16Cast)
#include "tst_bf16_cast.moc"
