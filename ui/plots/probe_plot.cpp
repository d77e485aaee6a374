#include "ui/plots/probe_plot.h"

#include "ui/plots/plot_style.h"
#include "ui/plots/probe_colors.h"
#include "ui/plots/step_marker.h"

#include <qcustomplot.h>

#include <QtWidgets/QLabel>
#include <QtWidgets/QVBoxLayout>

namespace pretrain::ui {
namespace {

constexpr int kMinimumPlotHeight = 170;  // Room for the legend's row above a readable curve.

}  // namespace

ProbePlot::ProbePlot(QWidget* parent)
    : QWidget(parent), m_plot(new QCustomPlot(this)), m_marker(addStepMarker(m_plot)) {
  m_readout = new QLabel(tr("Pin probes on the Playground page to watch when the model learns a fact."));
  m_readout->setForegroundRole(QPalette::PlaceholderText);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_plot, 1);
  layout->addWidget(m_readout);
  m_plot->setMinimumHeight(kMinimumPlotHeight);
  m_plot->xAxis->setLabel(tr("step"));
  // Log scale: a fact is learnt over orders of magnitude (1e-6 to 0.9), invisible on a linear axis.
  m_plot->yAxis->setLabel(tr("probability"));
  m_plot->yAxis->setScaleType(QCPAxis::stLogarithmic);
  m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTickerLog));
  m_plot->yAxis->setRange(1e-4, 1);
  putLegendAbove(m_plot);
  stylePlot(m_plot, palette());
  connect(m_plot, &QCustomPlot::mouseMove, this, &ProbePlot::showReadout);
}

void ProbePlot::setProbes(const std::vector<Probe>& probes) {
  m_probes = probes;
  if (!probes.empty() && m_results.isEmpty())
    m_readout->setText(tr("Each evaluation adds a point per probe: the probability of its target word."));
  m_plot->clearGraphs();
  for (size_t i = 0; i < probes.size(); ++i) {
    QCPGraph* g = m_plot->addGraph();
    g->setName(QString::fromStdString(probes[i].label()));
    g->setPen(QPen(probeColor(int(i)), 2));
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
  }
  // Results already shown keep their curves.
  const QVector<ProbeResult> results = m_results;
  m_results.clear();
  addResults(results);
}

void ProbePlot::addResults(const QVector<ProbeResult>& results) {
  for (const ProbeResult& r : results) {
    if (r.probe < 0 || r.probe >= m_plot->graphCount()) continue;
    m_results.push_back(r);
    m_plot->graph(r.probe)->addData(double(r.step), r.prob);
  }
  if (!m_results.isEmpty()) {
    int64_t lastStep = 1;
    double smallest = 1;
    for (const ProbeResult& r : m_results) {
      lastStep = std::max(lastStep, r.step);
      if (r.prob > 0) smallest = std::min(smallest, r.prob);
    }
    m_plot->xAxis->setRange(0, double(lastStep));
    m_plot->yAxis->setRange(std::min(1e-4, smallest / 2), 1);
    m_readout->setText(tr("Hover over a point to read its probability and rank."));
  }
  m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void ProbePlot::clear() {
  m_results.clear();
  for (int i = 0; i < m_plot->graphCount(); ++i) m_plot->graph(i)->data()->clear();
  m_plot->replot(QCustomPlot::rpQueuedReplot);
}

int ProbePlot::pointCount() const { return m_results.size(); }

void ProbePlot::showReadout(QMouseEvent* event) {
  // The nearest evaluation of the probe whose curve is closest to the pointer.
  const ProbeResult* best = nullptr;
  double bestDistance = 1e300;
  for (const ProbeResult& r : m_results) {
    const double d = std::abs(m_plot->xAxis->coordToPixel(double(r.step)) - event->pos().x()) +
                     std::abs(m_plot->yAxis->coordToPixel(r.prob) - event->pos().y());
    if (d < bestDistance) {
      bestDistance = d;
      best = &r;
    }
  }
  if (!best) return;
  m_readout->setText(tr("step %1 · %2: probability %3, rank %4")
                         .arg(best->step)
                         .arg(QString::fromStdString(m_probes.at(size_t(best->probe)).label()))
                         .arg(best->prob, 0, 'g', 4)
                         .arg(best->rank ? QString::number(best->rank) : tr("beyond the candidates")));
}

void ProbePlot::setMarker(double step) {
  m_markerStep = step;
  moveStepMarker(m_marker, step);
}

}  // namespace pretrain::ui
