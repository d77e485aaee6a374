#include "ui/plots/plot_style.h"

#include <qcustomplot.h>

namespace pretrain::ui {

void stylePlot(QCustomPlot* plot, const QPalette& p) {
  // Strokes each polyline as plain segments instead of one path: a 5,000-step curve repaints in 3 ms
  // instead of 77 ms (bench_loss_plot), and a 100,000-step run stays at ~5 ms a frame.
  plot->setPlottingHint(QCP::phFastPolylines, true);
  const QColor text = p.color(QPalette::Text);
  QColor grid = text;
  grid.setAlpha(40);
  plot->setBackground(p.brush(QPalette::Base));
  for (QCPAxis* axis : {plot->xAxis, plot->yAxis, plot->xAxis2, plot->yAxis2}) {
    axis->setBasePen(QPen(text, 1));
    axis->setTickPen(QPen(text, 1));
    axis->setSubTickPen(QPen(text, 1));
    axis->setLabelColor(text);
    axis->setTickLabelColor(text);
    axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
  }
  plot->legend->setBrush(p.brush(QPalette::Base));
  plot->legend->setBorderPen(QPen(grid, 1));
  plot->legend->setTextColor(text);
  plot->replot(QCustomPlot::rpQueuedReplot);
}

void putLegendAbove(QCustomPlot* plot) {
  plot->legend->setVisible(true);
  plot->plotLayout()->insertRow(0);
  plot->plotLayout()->addElement(0, 0, plot->legend);
  plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
  plot->plotLayout()->setRowStretchFactor(0, 0.001);
}

}  // namespace pretrain::ui
