// Sampling's rules on hand-made distributions, with the answers worked out by hand.
#include <QtTest/QtTest>

#include <cmath>

#include "infer/sampling.h"
#include "util/error.h"

using namespace pretrain;

namespace {

SamplingOptions options(double temperature, int topK, double topP) {
  SamplingOptions o;
  o.temperature = temperature;
  o.topK = topK;
  o.topP = topP;
  return o;
}

}  // namespace

class TstSampling : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void topPKeepsTheSmallestHeadReachingIt() {
    // 0.4 + 0.3 reaches 0.7: exactly the two largest, renormalised to 4/7 and 3/7.
    const auto pool = samplingPool({0.1, 0.2, 0.3, 0.4}, options(1.0, 0, 0.7));
    QCOMPARE(pool.size(), size_t(2));
    QCOMPARE(pool[0].id, 3);
    QCOMPARE(pool[1].id, 2);
    QVERIFY(std::abs(pool[0].prob - 4.0 / 7.0) < 1e-12);
    QVERIFY(std::abs(pool[1].prob - 3.0 / 7.0) < 1e-12);
    // Just above: a third piece is needed.
    QCOMPARE(samplingPool({0.1, 0.2, 0.3, 0.4}, options(1.0, 0, 0.71)).size(), size_t(3));
    // 1 keeps everything with mass.
    QCOMPARE(samplingPool({0.1, 0.2, 0.3, 0.4}, options(1.0, 0, 1.0)).size(), size_t(4));
  }

  void topKCutsFirst() {
    const auto pool = samplingPool({0.1, 0.2, 0.3, 0.4}, options(1.0, 3, 1.0));
    QCOMPARE(pool.size(), size_t(3));
    QVERIFY(std::abs(pool[2].prob - 0.2 / 0.9) < 1e-12);
    const auto one = samplingPool({0.1, 0.2, 0.3, 0.4}, options(1.0, 1, 1.0));
    QCOMPARE(one.size(), size_t(1));
    QCOMPARE(one[0].id, 3);
    QCOMPARE(one[0].prob, 1.0);
  }

  void temperatureZeroIsArgmax() {
    const std::vector<double> p = applyTemperature({0.1, 0.5, 0.4}, 0);
    QCOMPARE(p, (std::vector<double>{0, 1, 0}));
    for (const double u : {0.0, 0.5, 0.999})
      QCOMPARE(samplePiece({0.1, 0.5, 0.4}, options(0, 0, 1), u).id, 1);
  }

  void temperatureSharpensAndFlattens() {
    // p^(1/T) renormalised: at T = 2, sqrt(0.2) : sqrt(0.8) = 1 : 2; at T = 0.5, 0.04 : 0.64 = 1 : 16.
    const std::vector<double> flat = applyTemperature({0.2, 0.8}, 2.0);
    QVERIFY(std::abs(flat[0] - 1.0 / 3.0) < 1e-12 && std::abs(flat[1] - 2.0 / 3.0) < 1e-12);
    const std::vector<double> sharp = applyTemperature({0.2, 0.8}, 0.5);
    QVERIFY(std::abs(sharp[0] - 1.0 / 17.0) < 1e-12 && std::abs(sharp[1] - 16.0 / 17.0) < 1e-12);
    QCOMPARE(applyTemperature({0.2, 0.8}, 1.0), (std::vector<double>{0.2, 0.8}));
  }

  void tiesGoToTheLowerId() {
    const auto pool = samplingPool({0.25, 0.25, 0.5}, options(1.0, 0, 1.0));
    QCOMPARE(pool[0].id, 2);
    QCOMPARE(pool[1].id, 0);
    QCOMPARE(pool[2].id, 1);
    QCOMPARE(applyTemperature({0.5, 0.5}, 0), (std::vector<double>{1, 0}));
  }

  void theUniformNumberPicksByCumulativeShare() {
    // Pool 4/7 (id 3), 3/7 (id 2).
    const std::vector<double> p = {0.1, 0.2, 0.3, 0.4};
    QCOMPARE(samplePiece(p, options(1, 0, 0.7), 0.0).id, 3);
    QCOMPARE(samplePiece(p, options(1, 0, 0.7), 0.57).id, 3);
    QCOMPARE(samplePiece(p, options(1, 0, 0.7), 0.58).id, 2);
    QCOMPARE(samplePiece(p, options(1, 0, 0.7), 0.999999).id, 2);
    QVERIFY(std::abs(samplePiece(p, options(1, 0, 0.7), 0.9).prob - 3.0 / 7.0) < 1e-12);
  }

  void brokenDistributionsAreRefused() {
    QVERIFY_THROWS_EXCEPTION(Error, samplingPool({0.5, std::nan(""), 0.5}, options(1, 0, 1)));
    QVERIFY_THROWS_EXCEPTION(Error, applyTemperature({0.5, -0.1}, 0.7));
    QVERIFY_THROWS_EXCEPTION(Error, samplePiece({0.0, 0.0}, options(1, 0, 1), 0.5));
    QVERIFY_THROWS_EXCEPTION(Error, applyTemperature({INFINITY, 0.1}, 1.0));
  }
};

QTEST_GUILESS_MAIN(TstSampling)
#include "tst_sampling.moc"
