#include "ui/pages/train_page.h"

#include <algorithm>
#include <climits>
#include <cmath>

#include <QtWidgets/QCheckBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QDoubleSpinBox>
#include <QtWidgets/QFormLayout>
#include <QtWidgets/QGroupBox>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QMenu>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QSlider>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QSplitter>
#include <QtWidgets/QStyle>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QVBoxLayout>

#include "train/train_settings.h"
#include "ui/plots/loss_plot.h"
#include "ui/plots/probe_plot.h"
#include "ui/workers/progress_report.h"
#include "util/duration_text.h"

namespace pretrain::ui {
namespace {

constexpr int kSmoothingSteps = 100;        // The slider's 0..99 are weights 0.00..0.99.
constexpr int kSmoothingSliderWidth = 160;  // A fine control, not a main one: it leaves the room to the plot.
constexpr int kLossPlotShare = 3;           // The loss plot over the probe plot, 3 : 2.
constexpr int kProbePlotShare = 2;

// A row of the settings table (train_settings.h) as a spin box: its range, as far as an int holds it, its
// default, and its help as the tooltip.
int clampedToInt(double x) { return int(std::clamp<double>(x, INT_MIN, INT_MAX)); }

QString tooltipOf(const TrainSetting& s) {
  QString help = QString::fromUtf8(s.help);
  return help.left(1).toUpper() + help.mid(1);
}

QSpinBox* spin(const char* setting, const char* objectName = nullptr) {
  const TrainSetting& row = trainSetting(setting);
  auto* s = new QSpinBox;
  s->setRange(clampedToInt(row.min), clampedToInt(row.max));
  s->setValue(clampedToInt(std::stod(row.defaultText())));
  s->setToolTip(tooltipOf(row));
  if (objectName) s->setObjectName(objectName);
  return s;
}

}  // namespace

TrainPage::TrainPage(QWidget* parent) : QWidget(parent) {
  m_status = new QLabel(tr("Ready."));
  m_status->setWordWrap(true);
  m_owner = new QLabel;
  m_owner->setObjectName("runOwner");
  m_owner->setWordWrap(true);
  m_owner->setFrameShape(QFrame::StyledPanel);
  m_owner->setMargin(6);
  m_owner->setVisible(false);
  auto* right = new QVBoxLayout;
  right->addLayout(createControls());
  right->addWidget(m_owner);
  right->addWidget(m_status);
  right->addWidget(createPlots(), 1);
  auto* layout = new QHBoxLayout(this);
  layout->addWidget(createSettingsBox());
  layout->addLayout(right, 1);
  setRunning(false);
}

QGroupBox* TrainPage::createSettingsBox() {
  const TrainConfig defaults;
  auto* box = new QGroupBox(tr("Settings"));
  m_steps = spin("steps", "steps");
  m_batch = spin("batch", "batch");
  m_accum = spin("accum");
  m_lr = new QDoubleSpinBox;
  m_lr->setDecimals(5);
  // The table's range, from the smallest rate five decimals show.
  const TrainSetting& lr = trainSetting("lr");
  m_lr->setRange(std::max(lr.min, std::pow(10.0, -m_lr->decimals())), lr.max);
  m_lr->setSingleStep(0.0001);
  m_lr->setValue(defaults.lr);
  m_lr->setToolTip(tooltipOf(lr));
  m_warmup = spin("warmup", "warmup");
  m_evalEvery = spin("eval-every", "evalEvery");
  m_precision = new QComboBox;
  m_precision->addItem(tr("auto (bf16 where fast)"), "auto");
  m_precision->addItem(tr("fp32"), "fp32");
  m_precision->addItem(tr("bf16"), "bf16");
  m_precision->setObjectName("precision");
  m_threads = spin("threads");
  m_threads->setSpecialValueText(tr("all cores"));
  m_seed = spin("seed");
  m_freezeEmbeddings = new QCheckBox(tr("Embeddings"));
  m_freezeEmbeddings->setObjectName("freezeEmbeddings");
  m_freezeEmbeddings->setToolTip(tooltipOf(trainSetting("freeze-embeddings")));
  m_freezeBlocks = spin("freeze-blocks", "freezeBlocks");
  m_freezeBlocks->setPrefix(tr("first "));
  m_freezeBlocks->setSuffix(tr(" blocks"));
  m_freezeBlocks->setSpecialValueText(tr("no blocks"));
  auto* freeze = new QHBoxLayout;
  freeze->addWidget(m_freezeEmbeddings);
  freeze->addWidget(m_freezeBlocks, 1);
  auto* form = new QFormLayout(box);
  form->addRow(tr("Steps"), m_steps);
  form->addRow(tr("Batch (sequences)"), m_batch);
  form->addRow(tr("Accumulation"), m_accum);
  form->addRow(tr("Learning rate"), m_lr);
  form->addRow(tr("Warmup steps"), m_warmup);
  form->addRow(tr("Evaluate every"), m_evalEvery);
  form->addRow(tr("Precision"), m_precision);
  form->addRow(tr("Threads"), m_threads);
  form->addRow(tr("Seed"), m_seed);
  form->addRow(tr("Freeze"), freeze);
  form->addRow(createHandOver());
  connect(m_batch, &QSpinBox::valueChanged, this, &TrainPage::batchChanged);
  return box;
}

QLayout* TrainPage::createHandOver() {
  // The same settings for the command line or a GPU machine: `pretrain train ...` or its --config file.
  auto* copy = new QToolButton;
  copy->setText(tr("Copy command"));
  copy->setObjectName("copyCommand");
  copy->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
  copy->setToolTip(
      tr("Puts the pretrain train command for this corpus, model and these settings on the "
         "clipboard (the arrow: as torchrun's data-parallel processes)"));
  copy->setPopupMode(QToolButton::MenuButtonPopup);
  auto* forms = new QMenu(copy);
  for (const int n : {2, 4, 8})
    forms->addAction(tr("Copy as torchrun, %1 processes (the same global batch)").arg(n), this,
                     [this, n] { Q_EMIT copyCommandRequested(n); });
  copy->setMenu(forms);
  auto* save = new QPushButton(tr("Save settings…"));
  save->setToolTip(tr("Writes them as a settings file for pretrain train --config"));
  connect(copy, &QToolButton::clicked, this, [this] { Q_EMIT copyCommandRequested(1); });
  connect(save, &QPushButton::clicked, this, &TrainPage::saveSettingsRequested);
  auto* handOver = new QHBoxLayout;
  handOver->addWidget(copy);
  handOver->addWidget(save);
  return handOver;
}

QLayout* TrainPage::createControls() {
  m_start = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), tr("Start"));
  m_pause = new QPushButton(style()->standardIcon(QStyle::SP_MediaPause), tr("Pause"));
  m_stop = new QPushButton(style()->standardIcon(QStyle::SP_MediaStop), tr("Stop"));
  m_stop->setToolTip(tr("Stops at the next step and saves a checkpoint"));
  connect(m_start, &QPushButton::clicked, this, &TrainPage::startRequested);
  connect(m_pause, &QPushButton::clicked, this, [this] { Q_EMIT pauseToggled(!m_paused); });
  connect(m_stop, &QPushButton::clicked, this, &TrainPage::stopRequested);
  m_progress = new QProgressBar;
  m_progress->setFormat(tr("step %v of %m"));
  m_progress->setRange(0, 1);
  m_progress->setValue(0);
  auto* controls = new QHBoxLayout;
  controls->addWidget(m_start);
  controls->addWidget(m_pause);
  controls->addWidget(m_stop);
  controls->addWidget(m_progress, 1);
  return controls;
}

QWidget* TrainPage::createPlots() {
  m_plot = new LossPlot;
  m_latest = new QLabel;
  m_smoothing = new QSlider(Qt::Horizontal);
  m_smoothing->setRange(0, kSmoothingSteps - 1);
  m_smoothing->setValue(qRound(LossPlot::kDefaultSmoothing * kSmoothingSteps));
  m_smoothing->setMaximumWidth(kSmoothingSliderWidth);
  connect(m_smoothing, &QSlider::valueChanged, this,
          [this](int v) { m_plot->setSmoothing(double(v) / kSmoothingSteps); });
  auto* plotFooter = new QHBoxLayout;
  plotFooter->addWidget(m_latest, 1);
  plotFooter->addWidget(new QLabel(tr("Smoothing")));
  plotFooter->addWidget(m_smoothing);
  auto* lossPane = new QWidget;
  auto* lossLayout = new QVBoxLayout(lossPane);
  lossLayout->setContentsMargins(0, 0, 0, 0);
  lossLayout->addWidget(m_plot, 1);
  lossLayout->addLayout(plotFooter);
  m_probePlot = new ProbePlot;
  m_probePlot->setVisible(false);  // Until probes are pinned.
  auto* plots = new QSplitter(Qt::Vertical);
  plots->addWidget(lossPane);
  plots->addWidget(m_probePlot);
  plots->setStretchFactor(0, kLossPlotShare);
  plots->setStretchFactor(1, kProbePlotShare);
  plots->setChildrenCollapsible(false);
  return plots;
}

TrainConfig TrainPage::config() const {
  TrainConfig t;
  t.steps = m_steps->value();
  t.batch = m_batch->value();
  t.accum = m_accum->value();
  t.lr = m_lr->value();
  t.warmup = m_warmup->value();
  t.evalEvery = m_evalEvery->value();
  t.precision = m_precision->currentData().toString().toStdString();
  t.threads = m_threads->value();
  t.seed = uint64_t(m_seed->value());
  // Shown for an opened run, but only a fine-tuned new run takes them.
  t.freezeEmbeddings = m_freezeAllowed && m_freezeEmbeddings->isChecked();
  t.freezeBlocks = m_freezeAllowed ? m_freezeBlocks->value() : 0;
  return t;
}

void TrainPage::setConfig(const TrainConfig& t) {
  m_steps->setValue(int(t.steps));
  m_batch->setValue(t.batch);
  m_accum->setValue(t.accum);
  m_lr->setValue(t.lr);
  m_warmup->setValue(int(t.warmup));
  m_evalEvery->setValue(int(t.evalEvery));
  m_precision->setCurrentIndex(std::max(0, m_precision->findData(QString::fromStdString(t.precision))));
  m_threads->setValue(t.threads);
  m_seed->setValue(int(t.seed));
  m_freezeEmbeddings->setChecked(t.freezeEmbeddings);
  m_freezeBlocks->setValue(t.freezeBlocks);
}

void TrainPage::setTotalSteps(qint64 steps) {
  m_steps->setValue(int(steps));
  m_totalSteps = steps;
  m_progress->setRange(0, int(steps));
}

void TrainPage::setRunning(bool running) {
  if (running) {
    m_firstStep = -1;  // The ETA measures this session's pace, not the history's.
    m_totalSteps = m_steps->value();
    m_progress->setMaximum(int(m_totalSteps));
  }
  m_running = running;
  syncEnabled();
  if (!running) setPaused(false);
}

void TrainPage::syncEnabled() {
  m_start->setEnabled(!m_running && !m_ownedElsewhere);
  m_pause->setEnabled(m_running);
  m_stop->setEnabled(m_running);
  for (QWidget* w : std::initializer_list<QWidget*>{m_steps, m_batch, m_accum, m_lr, m_warmup, m_evalEvery,
                                                    m_precision, m_threads, m_seed})
    w->setEnabled(!m_running && !m_ownedElsewhere);
  for (QWidget* w : std::initializer_list<QWidget*>{m_freezeEmbeddings, m_freezeBlocks})
    w->setEnabled(!m_running && m_freezeAllowed);
}

void TrainPage::setFreezeAllowed(bool allowed) {
  m_freezeAllowed = allowed;
  if (!allowed) {
    m_freezeEmbeddings->setChecked(false);
    m_freezeBlocks->setValue(0);
  }
  syncEnabled();
}

void TrainPage::setPaused(bool paused) {
  m_paused = paused;
  m_pause->setText(paused ? tr("Resume") : tr("Pause"));
  m_pause->setIcon(style()->standardIcon(paused ? QStyle::SP_MediaPlay : QStyle::SP_MediaPause));
  if (paused)
    m_status->setText(tr("Paused: the model stays in memory; Resume continues exactly where it was."));
}

void TrainPage::setProbes(const std::vector<Probe>& probes) {
  m_probePlot->setProbes(probes);
  m_probePlot->setVisible(!probes.empty());
}

void TrainPage::showProbeResults(const QVector<ProbeResult>& results) { m_probePlot->addResults(results); }

void TrainPage::setRunOwner(const QString& note, bool elsewhere) {
  m_owner->setText(note);
  m_owner->setVisible(!note.isEmpty());
  m_ownedElsewhere = elsewhere;
  syncEnabled();
}

void TrainPage::resetForRun(qint64 totalSteps) {
  m_totalSteps = totalSteps;
  m_firstStep = -1;
  m_plot->clear();
  m_probePlot->clear();
  m_progress->setRange(0, int(totalSteps));
  m_progress->setValue(0);
  m_latest->clear();
}

void TrainPage::showRunHistory(qint64 totalSteps, const std::vector<StepMetrics>& steps,
                               const std::vector<EvalMetrics>& evals, const std::vector<Probe>& probes,
                               const std::vector<ProbeResult>& probeResults) {
  resetForRun(totalSteps);
  setTotalSteps(totalSteps);
  showSteps(QVector<StepMetrics>(steps.begin(), steps.end()));
  for (const EvalMetrics& e : evals) showEval(e);
  setProbes(probes);
  showProbeResults(QVector<ProbeResult>(probeResults.begin(), probeResults.end()));
  // The ETA measures the pace of steps from now on (a followed run's), not the history's.
  m_firstStep = steps.empty() ? -1 : steps.back().step;
  m_clock.start();
}

void TrainPage::showSteps(const QVector<StepMetrics>& rows) {
  if (rows.isEmpty()) return;
  m_plot->addSteps(rows);
  const StepMetrics& last = rows.back();
  if (m_firstStep < 0) {
    m_firstStep = last.step - rows.size();
    m_clock.start();
  }
  m_progress->setValue(int(last.step));
  const double done = double(last.step - m_firstStep);
  const double left = double(m_totalSteps - last.step);
  const double eta = done > 0 ? double(m_clock.elapsed()) / 1000.0 * left / done : -1;  // seconds
  m_status->setText(tr("Step %1 of %2 · loss %3 · %4 tokens/s · ETA %5")
                        .arg(last.step)
                        .arg(m_totalSteps)
                        .arg(last.trainLoss, 0, 'f', 3)
                        .arg(qRound(last.tokensPerSecond))
                        .arg(QString::fromStdString(formatDuration(eta))));
}

void TrainPage::showEval(const EvalMetrics& eval) {
  m_plot->addEval(eval);
  m_latest->setText(tr("Validation at step %1: loss %2 · perplexity %3 · %4 bits per byte")
                        .arg(eval.step)
                        .arg(eval.loss, 0, 'f', 3)
                        .arg(eval.perplexity, 0, 'f', 1)
                        .arg(eval.bitsPerByte, 0, 'f', 3) +
                    (std::isnan(eval.exactMatch)
                         ? QString()
                         : tr(" · exact match %1%").arg(100 * eval.exactMatch, 0, 'f', 1)));
}

void TrainPage::showStatus(const QString& text) { m_status->setText(text); }

void TrainPage::showDataProgress(const Progress& p) {
  showStatus(tr("Preparing data: %1 %2%")
                 .arg(QString::fromStdString(p.stage))
                 .arg(progressValue(p) * 100 / kProgressRange));
}

void TrainPage::showFinished(const TrainingRunSummary& s) {
  showStatus(s.stopped
                 ? tr("Stopped at step %1; checkpoint saved in %2.")
                       .arg(s.endStep)
                       .arg(QString::fromStdString(s.checkpoint))
                 : tr("Finished at step %1 (%2).").arg(s.endStep).arg(QString::fromStdString(s.compute)));
}

void TrainPage::showRunEvaluation(const EvalMetrics& e) {
  showEval(e);
  showStatus(tr("Evaluated at step %1: validation loss %2 nats per token, perplexity %3, %4 bits per byte "
                "(%5 tokens).")
                 .arg(e.step)
                 .arg(e.loss, 0, 'f', 4)
                 .arg(e.perplexity, 0, 'f', 2)
                 .arg(e.bitsPerByte, 0, 'f', 4)
                 .arg(e.tokens));
}

}  // namespace pretrain::ui
