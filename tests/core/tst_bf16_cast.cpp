// The fp32 <-> bf16 conversions against LibTorch's own, bit for bit: ties, the largest values, infinities,
// NaN, subnormals and zeros of both signs; and the loss's own exp against the C library's.
#include <torch/torch.h>

#include <QtTest/QTest>

#include "compute/bf16_cast.h"
#include "compute/bf16_cross_entropy.h"

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
    const torch::Tensor values = testValues();
    const torch::Tensor ours = torch::empty(values.sizes(), torch::kBFloat16);
    const float* in = values.data_ptr<float>();
    for (int64_t i = 0; i < values.numel(); ++i) bits(ours)[i] = floatToBf16(in[i]);
    const torch::Tensor theirs = values.to(torch::kBFloat16);
    // NaN stays NaN (LibTorch's own vectorised and scalar paths disagree on which NaN); the rest bit for bit.
    const torch::Tensor nan = theirs.isnan();
    QVERIFY(torch::equal(ours.isnan(), nan));
    QVERIFY(torch::equal(ours.view(torch::kShort).masked_fill(nan, 0),
                         theirs.view(torch::kShort).masked_fill(nan, 0)));
    QVERIFY(torch::equal(ours.masked_fill(nan, 0).to(torch::kFloat),
                         theirs.masked_fill(nan, 0).to(torch::kFloat)));
  }

  // Order keys find each row's largest value as amax does (NaN where the row holds one), and widening is
  // exact.
  void orderKeysFindTheLargest() {
    torch::manual_seed(6);
    const torch::Tensor values = testValues().to(torch::kBFloat16).reshape({-1, 13});
    const torch::Tensor max = torch::empty({values.size(0), 1});
    for (int64_t r = 0; r < values.size(0); ++r) {
      int32_t best = INT32_MIN;
      for (int64_t c = 0; c < values.size(1); ++c)
        best = std::max(best, bf16OrderKey(bits(values)[r * 13 + c]));
      max[r][0] = bf16ToFloat(bf16FromOrderKey(best));
    }
    const torch::Tensor theirMax = std::get<0>(values.to(torch::kFloat).max(1, true));
    QVERIFY(torch::equal(max.isnan(), theirMax.isnan()));
    const torch::Tensor finite = theirMax.isnan().logical_not();
    QVERIFY(torch::equal(max.masked_select(finite), theirMax.masked_select(finite)));
    QVERIFY(finite.sum().item<int64_t>() > 1000);
  }

  // The loss's exp within 2 ulp of the C library's from 0 down to where exp underflows, tiny below that,
  // NaN kept.
  void expIsAccurate() {
    int worstUlp = 0;
    for (float x = 0.0f; x > -87.0f; x = std::nextafter(x - 1e-3f * std::abs(x) - 1e-6f, -100.0f)) {
      const float ours = expNonPositive(x), theirs = std::exp(x);
      int32_t a, b;
      std::memcpy(&a, &ours, 4);
      std::memcpy(&b, &theirs, 4);
      worstUlp = std::max(worstUlp, std::abs(a - b));
    }
    QVERIFY2(worstUlp <= 2, qPrintable(QString("worst error %1 ulp").arg(worstUlp)));
    QCOMPARE(expNonPositive(0.0f), 1.0f);
    QVERIFY(expNonPositive(-200.0f) >= 0.0f && expNonPositive(-200.0f) < 1e-37f);
    QVERIFY(std::isnan(expNonPositive(std::numeric_limits<float>::quiet_NaN())));
  }
};

QTEST_GUILESS_MAIN(TstBf16Cast)
#include "tst_bf16_cast.moc"
