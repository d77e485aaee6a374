#include <qcustomplot.h>

#include <QtGui/QImage>
#include <QtGui/QPalette>
#include <QtGui/QPixmap>
#include <QtTest/QTest>
#include <QtWidgets/QComboBox>

#include "ui/plots/loss_plot.h"

using namespace pretrain;
using pretrain::ui::LossPlot;

namespace {
StepMetrics row(int64_t step, double loss) {
  StepMetrics s;
  s.step = step;
  s.trainLoss = loss;
  s.lr = 1e-3;
  s.gradNorm = 0.5;
  s.tokensPerSecond = 1000;
  return s;
}
}  // namespace

class TstLossPlot : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void smoothingIsTensorBoardsDebiasedEma() {
    LossPlot p;
    p.setSmoothing(0.5);
    p.addSteps({row(1, 1.0), row(2, 2.0)});
    QTRY_COMPARE(p.pointCount(), 2);  // Drawn on the flush timer, not at once.
    const auto* smooth = p.plot()->graph(1)->data().data();
    QCOMPARE(smooth->at(0)->value, 1.0);          // 0.5 / 0.5
    QCOMPARE(smooth->at(1)->value, 1.25 / 0.75);  // (0.25 + 1) / (0.25 + 0.5)
    p.setSmoothing(0);
    QCOMPARE(p.plot()->graph(1)->data()->at(1)->value, 2.0);  // Recomputed from the stored rows.
  }

  void everyRowIsKeptAndExported() {
    LossPlot p;
    QVector<StepMetrics> rows;
    for (int i = 1; i <= 5000; ++i) rows.push_back(row(i, 5.0 / i));
    p.addSteps(rows);
    EvalMetrics e;
    e.step = 10;
    e.loss = 0.6;
    e.perplexity = std::exp(0.6);
    p.addEval(e);
    QTRY_COMPARE(p.pointCount(), 5000);
    const QStringList lines = p.csv().split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 5001);
    QVERIFY(lines[0].startsWith("step,train_loss"));
    QVERIFY(lines[10].startsWith("10,0.5,"));
    QVERIFY(
        lines[10].endsWith(",0.6," + QString::number(std::exp(0.6), 'g', 9) + ","));  // Text: no exact match.
    QVERIFY(lines[11].endsWith(",,,"));  // No evaluation at step 11.
  }

  void metricsSwitchFromTheStoredRows() {
    LossPlot p;
    p.addSteps({row(1, 2.0), row(2, 1.0)});
    QTRY_COMPARE(p.pointCount(), 2);
    p.setMetric(LossPlot::Metric::Perplexity);
    QCOMPARE(p.plot()->graph(0)->data()->at(0)->value, std::exp(2.0));
    p.setMetric(LossPlot::Metric::Throughput);
    QCOMPARE(p.plot()->graph(0)->data()->at(1)->value, 1000.0);
    p.clear();
    QCOMPARE(p.pointCount(), 0);
    QCOMPARE(p.plot()->graph(0)->data()->size(), 0);
  }

  void exactMatchIsOfferedForPairs() {
    LossPlot p;
    auto* metric = p.findChild<QComboBox*>();
    const int choices = metric->count();
    EvalMetrics text{10, 2.0};
    p.addSteps({row(10, 2.0)});
    p.addEval(text);
    QTRY_COMPARE(p.pointCount(), 1);
    QCOMPARE(metric->count(), choices);  // Text: no exact match to show.
    EvalMetrics pairs = text;
    pairs.step = 20;
    pairs.exactMatch = 0.25;
    p.addEval(pairs);
    QTRY_COMPARE(metric->count(), choices + 1);
    p.setMetric(LossPlot::Metric::ExactMatch);
    QCOMPARE(p.plot()->graph(2)->data()->at(1)->value, 25.0);  // Percent, validation only.
    QVERIFY(!p.plot()->graph(0)->visible());
    p.clear();  // A new run: offered again once its pairs are evaluated.
    QCOMPARE(metric->count(), choices);
    QCOMPARE(metric->currentData().toInt(), int(LossPlot::Metric::Loss));
  }

  void followsADarkPalette() {
    LossPlot p;
    QPalette dark;
    dark.setColor(QPalette::Base, QColor(30, 30, 30));
    dark.setColor(QPalette::Text, QColor(230, 230, 230));
    p.setPalette(dark);
    QCOMPARE(p.plot()->toPixmap(200, 150).toImage().pixelColor(2, 2), QColor(30, 30, 30));
    QCOMPARE(p.plot()->xAxis->tickLabelColor(), QColor(230, 230, 230));
    QCOMPARE(p.plot()->legend->textColor(), QColor(230, 230, 230));
  }
};

QTEST_MAIN(TstLossPlot)
#include "tst_loss_plot.moc"
