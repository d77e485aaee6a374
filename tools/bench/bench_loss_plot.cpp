// How the Train page's plot copes with a long run: 100,000 steps arriving 20 rows per flush (what the
// worker sends at ~20 Hz), then a full redraw (switching metric) and a repaint at 1280x800. Prints
// milliseconds per frame; the flush timer's budget is 40 ms. A benchmark, not a test: run it by hand.
#include <qcustomplot.h>

#include <QtCore/QElapsedTimer>
#include <QtWidgets/QApplication>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "ui/plots/loss_plot.h"

using pretrain::StepMetrics;
using pretrain::ui::LossPlot;

namespace {

double millis(const QElapsedTimer& t) { return double(t.nsecsElapsed()) / 1e6; }

void report(const char* what, std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  std::printf("%-44s median %7.2f ms   p99 %7.2f ms   max %7.2f ms\n", what, ms[ms.size() / 2],
              ms[ms.size() * 99 / 100], ms.back());
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  const int total = argc > 1 ? std::atoi(argv[1]) : 100000, perFrame = 20;
  LossPlot plot;
  plot.resize(1280, 560);
  plot.show();
  std::vector<double> appendFrames, lateFrames, redraws, repaints;
  for (int step = 1; step <= total;) {
    QVector<StepMetrics> rows;
    for (int i = 0; i < perFrame && step <= total; ++i, ++step) {
      StepMetrics s;
      s.step = step;
      s.trainLoss = 2.0 + 7.0 / std::sqrt(double(step)) + 0.3 * std::sin(step * 0.7);  // noisy, falling
      s.lr = 3e-4;
      s.gradNorm = 1.0;
      s.tokensPerSecond = 4000 + step % 97;
      rows.push_back(s);
    }
    plot.addSteps(rows);
    QElapsedTimer t;
    t.start();
    plot.flush();
    plot.plot()->replot(QCustomPlot::rpImmediateRefresh);
    appendFrames.push_back(millis(t));
    if (step > total - 100 * perFrame) lateFrames.push_back(millis(t));
  }
  for (int i = 0; i < 10; ++i) {
    QElapsedTimer t;
    t.start();
    plot.setMetric(i % 2 ? LossPlot::Metric::Loss : LossPlot::Metric::Perplexity);
    plot.plot()->replot(QCustomPlot::rpImmediateRefresh);
    redraws.push_back(millis(t));
    t.restart();
    plot.plot()->replot(QCustomPlot::rpImmediateRefresh);
    repaints.push_back(millis(t));
  }
  std::printf("%d steps stored, %d rows per frame\n", plot.pointCount(), perFrame);
  report("frame (append 20 rows + replot), whole run", appendFrames);
  report("frame, last 100 frames (near full)", lateFrames);
  report("switch metric: rebuild all graphs + replot", redraws);
  report("repaint only (e.g. hover, resize)", repaints);
  return 0;
}
