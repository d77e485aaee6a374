#include "ui/plots/probe_layer_plot.h"

#include <qcustomplot.h>

#include <QtWidgets/QLabel>
#include <QtWidgets/QVBoxLayout>

#include "ui/plots/plot_style.h"
#include "ui/plots/probe_colors.h"
#include "ui/plots/probe_layer_trace.h"
#include "ui/plots/step_marker.h"

namespace pretrain::ui {
namespace {

constexpr int kMinimumPlotHeight = 200;  // The legend's row and a layer axis whose label fits.
// Probes that share a layer would hide one another: each is drawn a little above or below the layer.
constexpr double kProbeOffset = 0.08;

}  // namespace

ProbeLayerPlot::ProbeLayerPlot(QWidget* parent)
    : QWidget(parent), m_plot(new QCustomPlot(this)), m_marker(addStepMarker(m_plot)) {
  m_readout = new QLabel;
  m_readout->setForegroundRole(QPalette::PlaceholderText);
  m_readout->setWordWrap(true);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_plot, 1);
  layout->addWidget(m_readout);
  m_plot->setMinimumHeight(kMinimumPlotHeight);
  m_plot->xAxis->setLabel(tr("step"));
  m_plot->yAxis->setLabel(tr("layer"));
  // The first layer at the top, "none" at the bottom: a fact known earlier in the network sits higher.
  m_plot->yAxis->setRangeReversed(true);
  putLegendAbove(m_plot);
  stylePlot(m_plot, palette());
  connect(m_plot, &QCustomPlot::mouseMove, this, &ProbeLayerPlot::showReadout);
  clear();
}

void ProbeLayerPlot::clear() {
  m_plot->clearGraphs();
  m_plot->hide();  // An empty frame of axes says nothing: the readout says what to do.
  m_plot->replot(QCustomPlot::rpQueuedReplot);
  m_readout->setText(
      tr("Trace the probes to see at which layer the model first knows each fact, step by step."));
}

void ProbeLayerPlot::setTrace(const std::vector<Probe>& probes, const ProbeLayerTrace& trace) {
  m_plot->clearGraphs();
  m_plot->show();
  const int layers = trace.modelLayers;
  // Layer 1 .. L, and "none" below them (L + 1).
  auto ticker = QSharedPointer<QCPAxisTickerText>::create();
  for (int l = 1; l <= layers; ++l)
    ticker->addTick(l, l == layers ? tr("%1 · output").arg(l) : QString::number(l));
  ticker->addTick(layers + 1, tr("none"));
  m_plot->yAxis->setTicker(ticker);
  m_plot->yAxis->setRange(0.5, layers + 1.5);
  for (size_t p = 0; p < probes.size(); ++p) {
    QCPGraph* g = m_plot->addGraph();
    g->setName(QString::fromStdString(probes[p].label()));
    g->setPen(QPen(probeColor(int(p)), 2));
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
    g->setLineStyle(QCPGraph::lsStepLeft);
    const double offset = (double(p) - double(probes.size() - 1) / 2) * kProbeOffset;
    for (int s = 0; s < trace.steps.size(); ++s) {
      const int layer = trace.layers[s].value(int(p), -1);
      if (layer < 0) continue;  // Not read by the lens (a masked-word probe of a causal model).
      g->addData(double(trace.steps[s]), (layer == 0 ? layers + 1 : layer) + offset);
    }
  }
  if (!trace.steps.isEmpty()) m_plot->xAxis->setRange(0, double(std::max<qint64>(1, trace.steps.back())));
  m_readout->setText(probes.empty() ? tr("No probes: pin some on the Predictions tab.")
                                    : tr("Hover a point to read the step and the layer."));
  m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void ProbeLayerPlot::setMarker(double step) { moveStepMarker(m_marker, step); }

void ProbeLayerPlot::showReadout(QMouseEvent* event) {
  QCPGraph* best = nullptr;
  double bestDistance = 1e300, bestStep = 0, bestValue = 0;
  for (int g = 0; g < m_plot->graphCount(); ++g)
    for (const QCPGraphData& d : *m_plot->graph(g)->data()) {
      const double distance = std::abs(m_plot->xAxis->coordToPixel(d.key) - event->pos().x()) +
                              std::abs(m_plot->yAxis->coordToPixel(d.value) - event->pos().y());
      if (distance < bestDistance) {
        bestDistance = distance;
        best = m_plot->graph(g);
        bestStep = d.key;
        bestValue = d.value;
      }
    }
  if (!best) return;
  const int layer = int(std::lround(bestValue));
  const int none = int(std::lround(m_plot->yAxis->range().upper - 0.5));
  m_readout->setText(
      layer >= none
          ? tr("step %1 · %2: no layer ranks it first yet").arg(bestStep).arg(best->name())
          : tr("step %1 · %2: first ranked first at layer %3").arg(bestStep).arg(best->name()).arg(layer));
}

}  // namespace pretrain::ui
