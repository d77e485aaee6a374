#include "ui/plots/loss_plot.h"

#include "ui/plots/plot_style.h"
#include "ui/plots/step_marker.h"

#include <qcustomplot.h>

#include <QtCore/QSaveFile>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QVBoxLayout>

#include <cmath>
#include <limits>

namespace pretrain::ui {
namespace {

// Drawing is batched on this timer, never per step: 25 frames a second look live, and a frame of a
// 100,000-step run costs ~5 ms (bench_loss_plot).
constexpr int kFlushIntervalMs = 40;
// Below this the curves' shape is hard to read.
constexpr int kMinimumPlotHeight = 220;

// The value a metric takes from a step row.
double stepValue(LossPlot::Metric m, const StepMetrics& s) {
  switch (m) {
    case LossPlot::Metric::Loss:
      return s.trainLoss;
    case LossPlot::Metric::Perplexity:
      return std::exp(s.trainLoss);
    case LossPlot::Metric::GradNorm:
      return s.gradNorm;
    case LossPlot::Metric::LearningRate:
      return s.lr;
    case LossPlot::Metric::Throughput:
      return s.tokensPerSecond;
    case LossPlot::Metric::ExactMatch:
      break;  // Measured at evaluations only.
  }
  return std::numeric_limits<double>::quiet_NaN();
}

// The value a metric takes from an evaluation (NaN: none).
double evalValue(LossPlot::Metric m, const EvalMetrics& e) {
  switch (m) {
    case LossPlot::Metric::Loss:
      return e.loss;
    case LossPlot::Metric::Perplexity:
      return e.perplexity;
    case LossPlot::Metric::ExactMatch:
      return 100 * e.exactMatch;
    default:
      return std::numeric_limits<double>::quiet_NaN();
  }
}

}  // namespace

LossPlot::LossPlot(QWidget* parent)
    : QWidget(parent), m_plot(new QCustomPlot(this)), m_marker(addStepMarker(m_plot)) {
  m_readout = new QLabel(tr("Hover over the plot to read values; drag to pan, wheel to zoom."));
  m_readout->setForegroundRole(QPalette::PlaceholderText);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(createToolbar());
  layout->addWidget(m_plot, 1);
  layout->addWidget(m_readout);
  createGraphs();
  applyPalette();
  m_flushTimer.setInterval(kFlushIntervalMs);
  connect(&m_flushTimer, &QTimer::timeout, this, &LossPlot::flush);
  m_flushTimer.start();
  setMetric(Metric::Loss);
}

QHBoxLayout* LossPlot::createToolbar() {
  m_metric = new QComboBox;
  m_metric->addItem(tr("Loss (nats per token)"), int(Metric::Loss));
  m_metric->addItem(tr("Perplexity"), int(Metric::Perplexity));
  m_metric->addItem(tr("Gradient norm (before clipping)"), int(Metric::GradNorm));
  m_metric->addItem(tr("Learning rate"), int(Metric::LearningRate));
  m_metric->addItem(tr("Throughput (tokens/s)"), int(Metric::Throughput));
  m_follow = new QCheckBox(tr("Follow latest"));
  m_follow->setChecked(true);
  m_logScale = new QCheckBox(tr("Log scale"));
  auto* save = new QPushButton(tr("Save plot…"));
  auto* csvButton = new QPushButton(tr("Export CSV…"));
  auto* bar = new QHBoxLayout;
  bar->addWidget(m_metric);
  bar->addWidget(m_follow);
  bar->addWidget(m_logScale);
  bar->addStretch();
  bar->addWidget(save);
  bar->addWidget(csvButton);
  connect(m_metric, &QComboBox::currentIndexChanged, this,
          [this] { setMetric(Metric(m_metric->currentData().toInt())); });
  connect(m_logScale, &QCheckBox::toggled, this, &LossPlot::setLogScale);
  connect(m_follow, &QCheckBox::toggled, this, [this](bool on) {
    if (on) redraw();
  });
  connect(save, &QPushButton::clicked, this, &LossPlot::saveImage);
  connect(csvButton, &QPushButton::clicked, this, &LossPlot::exportCsv);
  return bar;
}

void LossPlot::createGraphs() {
  m_plot->setMinimumHeight(kMinimumPlotHeight);
  m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  m_plot->xAxis->setLabel(tr("step"));
  m_plot->legend->setVisible(true);
  m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  m_main = m_plot->addGraph();
  m_smooth = m_plot->addGraph();
  m_val = m_plot->addGraph();
  m_val->setPen(QPen(QColor(220, 110, 30), 1.5));
  m_val->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 7));
  // Dragging or zooming by hand means the person wants to look somewhere: stop following.
  connect(m_plot, &QCustomPlot::mousePress, this, [this] { m_follow->setChecked(false); });
  connect(m_plot, &QCustomPlot::mouseWheel, this, [this] { m_follow->setChecked(false); });
  connect(m_plot, &QCustomPlot::mouseMove, this, &LossPlot::showReadout);
}

void LossPlot::setLogScale(bool log) {
  m_plot->yAxis->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
  m_plot->yAxis->setTicker(log ? QSharedPointer<QCPAxisTicker>(new QCPAxisTickerLog)
                               : QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
  redraw();
}

void LossPlot::applyPalette() {
  stylePlot(m_plot, palette());
  const QColor accent = palette().color(QPalette::Highlight);
  QColor faint = accent;
  faint.setAlpha(70);
  m_main->setPen(QPen(faint, 1));
  m_smooth->setPen(QPen(accent, 2));
}

void LossPlot::changeEvent(QEvent* event) {
  if (event->type() == QEvent::PaletteChange) applyPalette();
  QWidget::changeEvent(event);
}

void LossPlot::addSteps(const QVector<StepMetrics>& rows) { m_pendingSteps += rows; }
void LossPlot::addEval(const EvalMetrics& eval) { m_pendingEvals.push_back(eval); }

void LossPlot::clear() {
  m_pendingSteps.clear();
  m_pendingEvals.clear();
  m_rows.clear();
  m_evals.clear();
  if (const int i = m_metric->findData(int(Metric::ExactMatch)); i >= 0) {
    setMetric(Metric::Loss);
    m_metric->removeItem(i);
  }
  redraw();
}

void LossPlot::setSmoothing(double weight) {
  m_smoothing = std::clamp(weight, 0.0, 0.999);
  redraw();
}

void LossPlot::setMetric(Metric metric) {
  const int index = m_metric->findData(int(metric));
  if (index != m_metric->currentIndex()) {
    m_metric->setCurrentIndex(index);  // Comes back here through the signal.
    return;
  }
  const bool hasVal = metric == Metric::Loss || metric == Metric::Perplexity || metric == Metric::ExactMatch;
  const bool hasTraining = metric != Metric::ExactMatch;
  m_main->setName(m_metric->currentText() + (hasVal ? tr(", training") : QString()));
  for (QCPGraph* g : {m_main, m_smooth}) {
    g->setVisible(hasTraining);
    g->removeFromLegend();
    if (hasTraining) g->addToLegend();
  }
  m_smooth->setName(tr("smoothed"));
  m_val->setName(tr("validation"));
  m_val->setVisible(hasVal);
  m_val->removeFromLegend();
  if (hasVal) m_val->addToLegend();
  m_plot->yAxis->setLabel(m_metric->currentText());
  redraw();
}

void LossPlot::redraw() {
  for (QCPGraph* g : {m_main, m_smooth, m_val}) g->data()->clear();
  m_ema = m_emaWeight = 0;
  appendToGraphs(0, 0);
}

void LossPlot::appendToGraphs(int fromRow, int fromEval) {
  const Metric metric = Metric(m_metric->currentData().toInt());
  QVector<double> x, y, smoothed;
  for (int i = fromRow; i < m_rows.size(); ++i) {
    const StepMetrics& s = m_rows[i];
    if (s.skipped) continue;
    const double v = stepValue(metric, s);
    x.push_back(double(s.step));
    y.push_back(v);
    if (!std::isfinite(v)) {  // A gap in both curves (QCustomPlot breaks a line at NaN); the average goes on.
      smoothed.push_back(std::numeric_limits<double>::quiet_NaN());
      continue;
    }
    m_ema = m_smoothing * m_ema + (1 - m_smoothing) * v;
    m_emaWeight = m_smoothing * m_emaWeight + (1 - m_smoothing);
    smoothed.push_back(m_ema / m_emaWeight);
  }
  m_main->addData(x, y, true);
  m_smooth->addData(x, smoothed, true);
  for (int i = fromEval; i < m_evals.size(); ++i) {
    m_val->addData(double(m_evals[i].step), evalValue(metric, m_evals[i]));
    if (!std::isnan(m_evals[i].exactMatch) && m_metric->findData(int(Metric::ExactMatch)) < 0)
      m_metric->addItem(tr("Exact match (%)"), int(Metric::ExactMatch));
  }
  if (m_follow->isChecked()) m_plot->rescaleAxes();
  m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LossPlot::flush() {
  if (m_pendingSteps.isEmpty() && m_pendingEvals.isEmpty()) return;
  const int fromRow = m_rows.size(), fromEval = m_evals.size();
  m_rows += m_pendingSteps;
  m_evals += m_pendingEvals;
  m_pendingSteps.clear();
  m_pendingEvals.clear();
  appendToGraphs(fromRow, fromEval);
}

void LossPlot::showReadout(QMouseEvent* event) {
  const bool training = m_main->visible();  // Else a metric measured at evaluations only.
  const QCPGraph* graph = training ? m_main : m_val;
  if (graph->data()->isEmpty()) return;
  const double step = m_plot->xAxis->pixelToCoord(event->pos().x());
  const auto it = graph->data()->findBegin(step, false);
  if (it == graph->data()->constEnd()) return;
  QString text = tr("step %1: %2 %3").arg(it->key).arg(m_metric->currentText()).arg(it->value, 0, 'g', 5);
  if (training)
    text += tr(" (smoothed %1)").arg(m_smooth->data()->findBegin(it->key, false)->value, 0, 'g', 5);
  m_readout->setText(text);
}

QString LossPlot::csv() const {
  QString out =
      "step,train_loss,lr,grad_norm,tokens_per_s,elapsed_s,val_loss,val_perplexity,val_exact_match\n";
  int e = 0;
  for (const StepMetrics& s : m_rows) {
    while (e < m_evals.size() && m_evals[e].step < s.step) ++e;
    const bool evaluated = e < m_evals.size() && m_evals[e].step == s.step;
    const bool exact = evaluated && !std::isnan(m_evals[e].exactMatch);
    out += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8,%9\n")
               .arg(s.step)
               .arg(s.trainLoss, 0, 'g', 9)
               .arg(s.lr, 0, 'g', 9)
               .arg(s.gradNorm, 0, 'g', 9)
               .arg(s.tokensPerSecond, 0, 'g', 9)
               .arg(s.elapsedSeconds, 0, 'g', 9)
               .arg(evaluated ? QString::number(m_evals[e].loss, 'g', 9) : QString())
               .arg(evaluated ? QString::number(m_evals[e].perplexity, 'g', 9) : QString())
               .arg(exact ? QString::number(m_evals[e].exactMatch, 'g', 9) : QString());
  }
  return out;
}

void LossPlot::saveImage() {
  const QString path = QFileDialog::getSaveFileName(this, tr("Save plot"), "training.png",
                                                    tr("PNG image (*.png);;PDF document (*.pdf)"));
  if (path.isEmpty()) return;
  const bool ok =
      path.endsWith(".pdf", Qt::CaseInsensitive) ? m_plot->savePdf(path) : m_plot->savePng(path, 0, 0, 2.0);
  if (!ok) QMessageBox::warning(this, tr("Save plot"), tr("Could not write %1.").arg(path));
}

void LossPlot::exportCsv() {
  const QString path =
      QFileDialog::getSaveFileName(this, tr("Export metrics"), "metrics.csv", tr("CSV (*.csv)"));
  if (path.isEmpty()) return;
  QSaveFile f(path);  // Written under a temporary name and renamed: an old file survives a failure.
  if (!f.open(QIODevice::WriteOnly) || f.write(csv().toUtf8()) < 0 || !f.commit())
    QMessageBox::warning(this, tr("Export metrics"), tr("Could not write %1.").arg(path));
}

void LossPlot::setMarker(double step) {
  m_markerStep = step;
  moveStepMarker(m_marker, step);
}

}  // namespace pretrain::ui
