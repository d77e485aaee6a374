#include "ui/compare/compare_curves.h"

#include <qcustomplot.h>

#include <QtCore/QFileInfo>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QVBoxLayout>

#include <algorithm>
#include <vector>

#include "run/loss_race.h"
#include "ui/plots/ab_colors.h"
#include "ui/plots/plot_style.h"
#include "ui/plots/step_marker.h"
#include "util/error.h"

namespace pretrain::ui {
namespace {

constexpr int kMinimumPlotHeight = 150;  // The A/B Playground below needs the height more.

}  // namespace

CompareCurves::CompareCurves(QWidget* parent) : QWidget(parent), m_plot(new QCustomPlot(this)) {
  m_metric = new QComboBox;
  m_metric->addItem(tr("Validation loss (nats per token)"), int(Metric::Loss));
  m_metric->addItem(tr("Validation bits per byte (fair across tokenizers)"), int(Metric::BitsPerByte));
  m_note = new QLabel;
  m_note->setForegroundRole(QPalette::PlaceholderText);
  m_note->setWordWrap(true);
  auto* bar = new QHBoxLayout;
  bar->addWidget(new QLabel(tr("Curves")));
  bar->addWidget(m_metric);
  bar->addStretch();
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(bar);
  layout->addWidget(m_plot, 1);
  layout->addWidget(m_note);
  m_plot->setMinimumHeight(kMinimumPlotHeight);
  m_plot->xAxis->setLabel(tr("tokens seen"));
  m_plot->legend->setVisible(true);
  for (int r = 0; r < 2; ++r) {
    m_graphs[r] = m_plot->addGraph();
    m_graphs[r]->setPen(QPen(r == 0 ? colorA() : colorB(), 2));
    m_graphs[r]->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
    m_markers[r] = addStepMarker(m_plot);
  }
  stylePlot(m_plot, palette());
  connect(m_metric, &QComboBox::activated, this,
          [this] { setMetric(Metric(m_metric->currentData().toInt())); });
  draw();
}

void CompareCurves::setRuns(const QString& a, qint64 stepA, const QString& b, qint64 stepB) {
  const QString runs[2] = {a, b};
  for (int r = 0; r < 2; ++r) {
    // Read when the run changes, not when only its step or the metric does (a history can be long).
    if (runs[r] != m_runs[r] || !m_histories[r]) {
      m_histories[r].reset();
      try {
        if (!runs[r].isEmpty()) m_histories[r] = readEvalHistory(runs[r].toStdString());
      } catch (const Error&) {
        // Not a run (any more): no curve; choosing it said why.
      }
    }
    m_runs[r] = runs[r];
  }
  m_steps[0] = stepA;
  m_steps[1] = stepB;
  draw();
}

void CompareCurves::setMetric(Metric metric) {
  m_metric->setCurrentIndex(m_metric->findData(int(metric)));
  draw();
}

int CompareCurves::pointCount(int run) const { return m_graphs[run]->dataCount(); }

QString CompareCurves::raceText() const {
  if (!m_histories[0] || !m_histories[1] || m_histories[0]->evals.empty() || m_histories[1]->evals.empty())
    return {};  // A run without evaluations yet: said above.
  const LossRace race = raceToLoss(*m_histories[0], *m_histories[1]);
  const auto tokens = [this](const std::optional<uint64_t>& t) {
    return t ? tr("%L1 tokens").arg(qulonglong(*t)) : tr("not reached");
  };
  QString text = tr("To A's %1 bits per byte (at its step %2): A %3, B %4")
                     .arg(race.target, 0, 'f', 3)
                     .arg(race.targetStep)
                     .arg(tokens(race.tokensA), tokens(race.tokensB));
  if (race.ratio) text += tr(", B needed %1× A's tokens").arg(*race.ratio, 0, 'f', 2);
  return text + ".";
}

void CompareCurves::draw() {
  const bool bpb = Metric(m_metric->currentData().toInt()) == Metric::BitsPerByte;
  m_plot->yAxis->setLabel(bpb ? tr("bits per byte") : tr("loss (nats per token)"));
  QStringList notes;
  for (int r = 0; r < 2; ++r) {
    m_graphs[r]->data()->clear();
    moveStepMarker(m_markers[r], -1);
    const QString name = r == 0 ? "A" : "B";
    m_graphs[r]->setName(m_runs[r].isEmpty() ? name
                                             : QString("%1: %2").arg(name, QFileInfo(m_runs[r]).fileName()));
    if (!m_histories[r]) continue;
    const EvalHistory& h = *m_histories[r];
    for (const EvalMetrics& e : h.evals)
      if (h.tokensAt.count(e.step))
        m_graphs[r]->addData(double(h.tokensAt.at(e.step)), bpb ? e.bitsPerByte : e.loss);
    if (m_steps[r] >= 0 && h.tokensAt.count(m_steps[r]))
      moveStepMarker(m_markers[r], double(h.tokensAt.at(m_steps[r])));
    if (h.evals.empty()) notes << tr("%1 has no evaluations yet.").arg(name);
  }
  m_markers[0]->setPen(QPen(colorA(), 1.5, Qt::DashLine));  // Each run's step in its colour.
  m_markers[1]->setPen(QPen(colorB(), 1.5, Qt::DashLine));
  m_plot->rescaleAxes();
  m_plot->xAxis->setRangeLower(0);
  m_plot->yAxis->scaleRange(1.1);  // A margin: a flat curve at the edge would hide in the axis.
  if (m_steps[0] >= 0 || m_steps[1] >= 0) notes << tr("Dashed lines: the steps compared below.");
  if (!m_runs[0].isEmpty() && !m_runs[1].isEmpty() && m_runs[0] != m_runs[1]) notes << raceText();
  m_note->setText(notes.join(' '));
  m_plot->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace pretrain::ui
