#include <QtTest/QTest>

#include <cmath>

#include "train/lr_schedule.h"

using namespace pretrain;

class TstLrSchedule : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void handComputedPoints_data() {
    QTest::addColumn<qint64>("step");
    QTest::addColumn<double>("expected");
    // peak 1e-3, warmup 10, total 110, floor 1e-4.
    QTest::newRow("first step") << qint64(0) << 1e-4;                // 1e-3 * 1/10
    QTest::newRow("mid warmup") << qint64(4) << 5e-4;                // 1e-3 * 5/10
    QTest::newRow("warmup done") << qint64(10) << 1e-3;              // cosine starts at the peak
    QTest::newRow("half way") << qint64(60) << 1e-4 + 0.9e-3 * 0.5;  // cos(pi/2) = 0
    QTest::newRow("quarter") << qint64(35) << 1e-4 + 0.9e-3 * 0.5 * (1 + std::cos(M_PI * 0.25));
    QTest::newRow("end") << qint64(110) << 1e-4;
    QTest::newRow("past the end") << qint64(500) << 1e-4;
  }
  void handComputedPoints() {
    QFETCH(qint64, step);
    QFETCH(double, expected);
    const LrSchedule s{1e-3, 10, 110, 0.1};
    QVERIFY2(std::abs(s.at(step) - expected) < 1e-12, qPrintable(QString::number(s.at(step))));
  }

  void monotoneAfterWarmup() {
    const LrSchedule s{3e-4, 5, 200, 0.1};
    for (int64_t t = 5; t < 210; ++t) QVERIFY(s.at(t + 1) <= s.at(t));
    QVERIFY(LrSchedule({1.0, 0, 10, 0.1}).at(0) == 1.0);  // No warmup: starts at the peak.
  }
};

QTEST_GUILESS_MAIN(TstLrSchedule)
#include "tst_lr_schedule.moc"
