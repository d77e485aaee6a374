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
  return torch::cat({special, torch::randn({100005}) * 30, torch::randn({1000}) * 1e-39});
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

  void wideningIsExact() {
    torch::manual_seed(6);
    const torch::Tensor values = testValues().to(torch::kBFloat16);
    const torch::Tensor ours = torch::empty(values.sizes(), torch::kFloat);
    widenBf16(bits(values), ours.data_ptr<float>(), values.numel());
    QVERIFY(torch::equal(ours.view(torch::kInt), values.to(torch::kFloat).view(torch::kInt)));
  }
};

QTEST_GUILESS_MAIN(TstBf16Cast)
#include "tst_bf16_cast.moc"
