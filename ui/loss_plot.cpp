#include "ui/loss_plot.h"

#include <qcustomplot.h>

#include <QtWidgets/QVBoxLayout>

namespace pretrain::ui {

LossPlot::LossPlot(QWidget* parent) : QWidget(parent), m_plot(new QCustomPlot(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_plot);
  m_plot->setMinimumHeight(220);
  m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  m_plot->xAxis->setLabel(tr("step"));
  m_plot->yAxis->setLabel(tr("loss (nats per token)"));
  m_plot->yAxis2->setLabel(tr("learning rate"));
  m_plot->yAxis2->setVisible(true);
  m_plot->legend->setVisible(true);
  m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);

  const QColor accent = palette().color(QPalette::Highlight);
  m_raw = m_plot->addGraph();
  m_raw->setName(tr("training loss"));
  QColor faint = accent;
  faint.setAlpha(70);
  m_raw->setPen(QPen(faint, 1));
  m_smooth = m_plot->addGraph();
  m_smooth->setName(tr("training loss, smoothed"));
  m_smooth->setPen(QPen(accent, 2));
  m_val = m_plot->addGraph();
  m_val->setName(tr("validation loss"));
  m_val->setLineStyle(QCPGraph::lsLine);
  m_val->setPen(QPen(QColor(220, 110, 30), 1.5));
  m_val->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 7));
  m_lr = m_plot->addGraph(m_plot->xAxis, m_plot->yAxis2);
  m_lr->setName(tr("learning rate"));
  m_lr->setPen(QPen(palette().color(QPalette::Mid), 1, Qt::DashLine));

  m_flushTimer.setInterval(40);
  connect(&m_flushTimer, &QTimer::timeout, this, &LossPlot::flush);
  m_flushTimer.start();
}

void LossPlot::addSteps(const QVector<StepMetrics>& rows) { m_pendingSteps += rows; }
void LossPlot::addEval(const EvalMetrics& eval) { m_pendingEvals.push_back(eval); }

void LossPlot::clear() {
  m_pendingSteps.clear();
  m_pendingEvals.clear();
  m_steps.clear();
  m_losses.clear();
  m_ema = m_emaWeight = 0;
  for (QCPGraph* g : {m_raw, m_smooth, m_val, m_lr}) g->data()->clear();
  m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LossPlot::setSmoothing(double weight) {
  m_smoothing = std::clamp(weight, 0.0, 0.999);
  rebuildSmoothed();
  m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LossPlot::rebuildSmoothed() {
  m_smooth->data()->clear();
  m_ema = m_emaWeight = 0;
  QVector<double> smoothed;
  smoothed.reserve(m_losses.size());
  for (const double loss : m_losses) {
    m_ema = m_smoothing * m_ema + (1 - m_smoothing) * loss;
    m_emaWeight = m_smoothing * m_emaWeight + (1 - m_smoothing);
    smoothed.push_back(m_ema / m_emaWeight);
  }
  m_smooth->addData(m_steps, smoothed, true);
}

void LossPlot::flush() {
  if (m_pendingSteps.isEmpty() && m_pendingEvals.isEmpty()) return;
  QVector<double> x, loss, smoothed, lr;
  for (const StepMetrics& s : m_pendingSteps) {
    if (s.skipped) continue;
    x.push_back(double(s.step));
    loss.push_back(s.trainLoss);
    lr.push_back(s.lr);
    m_ema = m_smoothing * m_ema + (1 - m_smoothing) * s.trainLoss;
    m_emaWeight = m_smoothing * m_emaWeight + (1 - m_smoothing);
    smoothed.push_back(m_ema / m_emaWeight);
  }
  m_steps += x;
  m_losses += loss;
  m_raw->addData(x, loss, true);
  m_smooth->addData(x, smoothed, true);
  m_lr->addData(x, lr, true);
  for (const EvalMetrics& e : m_pendingEvals) m_val->addData(double(e.step), e.loss);
  m_pendingSteps.clear();
  m_pendingEvals.clear();
  m_plot->rescaleAxes();
  m_plot->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace pretrain::ui
