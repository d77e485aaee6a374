#include "ui/playground/playground_page.h"

#include <QtCore/QFileInfo>
#include <QtWidgets/QGroupBox>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QListWidget>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QSplitter>
#include <QtWidgets/QStackedWidget>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QVBoxLayout>

#include <algorithm>

#include "run/run_folder.h"
#include "ui/playground/attention_pane.h"
#include "ui/playground/lens_pane.h"
#include "ui/playground/masked_word_pane.h"
#include "ui/playground/next_word_pane.h"
#include "ui/playground/timeline_bar.h"
#include "ui/plots/probe_layer_plot.h"
#include "ui/workers/inference_service.h"
#include "ui/workers/timeline_loader.h"
#include "util/error.h"

namespace pretrain::ui {
namespace {

// The next-word pane gets most of the width (its chart and generated text are wide); on the right, the
// masked words get most of the height and the probe list what is left.
constexpr int kNextWordShare = 3;
constexpr int kRightColumnShare = 2;
constexpr int kMaskedShare = 3;
constexpr int kProbesShare = 1;
// The lens grid over the probes' layers through training.
constexpr int kLensShare = 1;
constexpr int kProbeLayersShare = 1;

}  // namespace

PlaygroundPage::PlaygroundPage(QWidget* parent)
    : QWidget(parent),
      m_service(new InferenceService(this)),
      m_loader(new TimelineLoader(this)),
      m_stack(new QStackedWidget),
      m_tabs(new QTabWidget),
      m_timeline(new TimelineBar) {
  auto* empty = new QLabel(tr(
      "<h3>No model yet</h3><p>Start training on the Train page (F5), or open a run (File ▸ Open run…).</p>"
      "<p>Predictions appear here as soon as there is a model, and change while it learns.</p>"));
  empty->setAlignment(Qt::AlignCenter);
  empty->setWordWrap(true);
  m_service->setObjectName("inference");
  m_tabs->setObjectName("playgroundTabs");
  m_timeline->setObjectName("timeline");
  m_model = new QLabel;
  m_model->setObjectName("modelWhere");
  m_model->setForegroundRole(QPalette::PlaceholderText);
  m_model->setWordWrap(true);
  m_tabs->addTab(createPredictions(), tr("Predictions"));
  m_tabs->addTab(createLensTab(), tr("Logit lens"));
  m_attention = new AttentionPane(m_service);
  m_attention->setObjectName("attention");
  m_tabs->addTab(m_attention, tr("Attention"));
  auto* content = new QWidget;
  auto* contentLayout = new QVBoxLayout(content);
  contentLayout->setContentsMargins(0, 0, 0, 0);
  contentLayout->addWidget(m_model);
  contentLayout->addWidget(m_timeline);
  contentLayout->addWidget(m_tabs, 1);
  m_stack->addWidget(empty);
  m_stack->addWidget(content);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(m_stack);
  syncPrompts();
  wireTimeline();
  showProbes();
}

QWidget* PlaygroundPage::createPredictions() {
  m_next = new NextWordPane(m_service);
  m_next->setObjectName("nextWord");
  m_masked = new MaskedWordPane(m_service);
  m_masked->setObjectName("maskedWord");
  auto* nextBox = new QGroupBox(tr("Next word"));
  (new QVBoxLayout(nextBox))->addWidget(m_next);
  auto* maskedBox = new QGroupBox(tr("Masked words"));
  (new QVBoxLayout(maskedBox))->addWidget(m_masked);
  auto* rightColumn = new QSplitter(Qt::Vertical);
  rightColumn->addWidget(maskedBox);
  rightColumn->addWidget(createProbesBox());
  rightColumn->setStretchFactor(0, kMaskedShare);
  rightColumn->setStretchFactor(1, kProbesShare);
  rightColumn->setChildrenCollapsible(false);
  auto* panes = new QSplitter(Qt::Horizontal);
  panes->addWidget(nextBox);
  panes->addWidget(rightColumn);
  panes->setStretchFactor(0, kNextWordShare);
  panes->setStretchFactor(1, kRightColumnShare);
  panes->setChildrenCollapsible(false);
  connect(m_next, &NextWordPane::pinRequested, this, &PlaygroundPage::addProbe);
  connect(m_masked, &MaskedWordPane::pinRequested, this, &PlaygroundPage::addProbe);
  return panes;
}

QWidget* PlaygroundPage::createLensTab() {
  m_lens = new LensPane(m_service);
  m_lens->setObjectName("lens");
  m_probeLayers = new ProbeLayerPlot;
  m_probeLayers->setObjectName("probeLayers");
  m_traceProbes = new QPushButton(tr("Trace the probes through the timeline"));
  m_traceProbes->setObjectName("traceProbes");
  m_traceProbes->setToolTip(tr("Run every probe through the logit lens at every step the run kept"));
  auto* header = new QHBoxLayout;
  header->addWidget(new QLabel(tr("Where each probe's fact is known: the first layer whose lens ranks the "
                                  "target first, at each kept step")),
                    1);
  header->addWidget(m_traceProbes);
  auto* probesBox = new QGroupBox(tr("Probes through training"));
  auto* probesLayout = new QVBoxLayout(probesBox);
  probesLayout->addLayout(header);
  probesLayout->addWidget(m_probeLayers, 1);
  auto* split = new QSplitter(Qt::Vertical);
  split->addWidget(m_lens);
  split->addWidget(probesBox);
  split->setStretchFactor(0, kLensShare);
  split->setStretchFactor(1, kProbeLayersShare);
  split->setChildrenCollapsible(false);
  connect(m_traceProbes, &QPushButton::clicked, this, &PlaygroundPage::traceOrCancel);
  connect(m_loader, &TimelineLoader::traceProgress, this, [this](int done, int total) {
    m_probeLayers->readout()->setText(tr("Tracing: step %1 of %2…").arg(done).arg(total));
  });
  connect(m_loader, &TimelineLoader::traced, this, [this](const ProbeLayerTrace& trace) {
    if (!m_tracing) return;  // Cancelled after it was sent.
    m_probeLayers->setTrace(m_tracedProbes, trace);
    traceEnded();
  });
  connect(m_loader, &TimelineLoader::traceFailed, this, [this](const QString& message) {
    if (!m_tracing) return;
    m_probeLayers->readout()->setText(message);
    traceEnded();
  });
  return split;
}

void PlaygroundPage::traceOrCancel() {
  if (m_tracing) {
    m_loader->cancelTrace();
    m_probeLayers->readout()->setText(tr("Tracing cancelled."));
    traceEnded();
    return;
  }
  if (m_run.isEmpty()) {
    m_probeLayers->readout()->setText(tr("Open a run or train one first: the trace reads its kept steps."));
    return;
  }
  m_tracing = true;
  m_tracedProbes = m_probes;  // The list may change while the trace runs; its results are this one's.
  m_traceProbes->setText(tr("Cancel tracing"));
  m_probeLayers->readout()->setText(tr("Tracing…"));
  m_loader->traceProbes(m_probes);
}

void PlaygroundPage::traceEnded() {
  m_tracing = false;
  m_traceProbes->setText(tr("Trace the probes through the timeline"));
  m_traceProbes->setEnabled(!m_probes.empty());
}

QGroupBox* PlaygroundPage::createProbesBox() {
  m_probeList = new QListWidget;
  m_probeList->setWordWrap(true);
  m_probeList->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  m_removeProbe = new QPushButton(tr("Remove"));
  auto* box = new QGroupBox(tr("Probes (measured at each evaluation; plot on the Train page)"));
  auto* layout = new QVBoxLayout(box);
  layout->addWidget(m_probeList, 1);
  layout->addWidget(m_removeProbe, 0, Qt::AlignRight);
  connect(m_removeProbe, &QPushButton::clicked, this, &PlaygroundPage::removeSelectedProbe);
  return box;
}

void PlaygroundPage::syncPrompts() {
  const auto keepEqual = [this](const QList<QLineEdit*>& edits) {
    for (QLineEdit* from : edits)
      connect(from, &QLineEdit::textChanged, this, [edits, from](const QString& text) {
        for (QLineEdit* to : edits)
          if (to != from && to->text() != text) to->setText(text);
      });
  };
  keepEqual({m_next->promptEdit(), m_lens->promptEdit(), m_attention->promptEdit()});
  keepEqual({m_next->probabilityOfEdit(), m_lens->wordEdit()});
  m_lens->promptEdit()->setText(m_next->promptEdit()->text());
  m_attention->promptEdit()->setText(m_next->promptEdit()->text());
}

void PlaygroundPage::wireTimeline() {
  connect(m_timeline, &TimelineBar::stepChosen, this, &PlaygroundPage::chooseStep);
  connect(m_loader, &TimelineLoader::loaded, this,
          [this](qint64 step, const std::shared_ptr<const Predictor>& predictor, double loadMs) {
            if (step != m_timeline->chosenStep()) return;  // Another step was chosen meanwhile.
            // openRunModel's choice: the step's checkpoint where the run keeps one, else its snapshot.
            const bool checkpoint = QFileInfo::exists(
                QString::fromStdString(RunFolder(m_run.toStdString()).checkpointPath(step)));
            showModel(predictor,
                      (checkpoint ? tr("The model of %1 at step %2 (its checkpoint).")
                                  : tr("The model of %1 at step %2 (its snapshot: the weights in bf16)."))
                          .arg(m_run)
                          .arg(step),
                      step, loadMs);
          });
  connect(m_loader, &TimelineLoader::failed, this, [this](qint64 step, const QString& message) {
    if (step != m_timeline->chosenStep()) return;
    m_timeline->setNote(tr("step %1 could not be read: %2").arg(step).arg(message));
  });
  connect(m_service, &InferenceService::idle, this, &PlaygroundPage::switchDone);
}

void PlaygroundPage::removeSelectedProbe() {
  const int row = m_probeList->currentRow();
  if (row < 0 || row >= int(m_probes.size())) return;
  m_probes.erase(m_probes.begin() + row);
  showProbes();
  Q_EMIT probesChanged(m_probes);
}

bool PlaygroundPage::hasModel() const { return m_service->predictor() != nullptr; }

void PlaygroundPage::setRun(const QString& dir) {
  if (dir == m_run) return;
  m_run = dir;
  m_loader->setRun(dir);
  m_probeLayers->clear();
  m_timeline->stopPlaying();
  {
    const QSignalBlocker quiet(
        m_timeline);  // A new run starts at its latest weights, which come on their own.
    m_timeline->choose(-1);
  }
  readTimelineSteps();
}

void PlaygroundPage::readTimelineSteps() {
  QVector<qint64> steps;
  try {
    if (!m_run.isEmpty())
      for (const int64_t s : RunFolder(m_run.toStdString()).timelineSteps()) steps << s;
  } catch (const Error&) {
    // A folder that cannot be read now: the steps known so far stay.
    return;
  }
  m_timeline->setSteps(steps);
}

void PlaygroundPage::setPredictor(const std::shared_ptr<const Predictor>& predictor, const QString& where) {
  m_latest = predictor;
  m_latestWhere = where;
  m_stack->setCurrentIndex(predictor ? 1 : 0);
  readTimelineSteps();  // Training keeps new steps as it goes.
  if (m_timeline->chosenStep() < 0) showModel(predictor, where, -1, 0);
}

void PlaygroundPage::chooseStep(qint64 step) {
  m_switchClock.start();
  if (step < 0)
    showModel(m_latest, m_latestWhere, -1, 0);
  else
    m_loader->request(step);
}

void PlaygroundPage::showModel(const std::shared_ptr<const Predictor>& predictor, const QString& where,
                               qint64 step, double loadMs) {
  m_model->setText(where);
  m_loadMs = loadMs;
  m_probeLayers->setMarker(double(step));
  m_service->setPredictor(predictor);  // The views shown ask for their new answers now.
  Q_EMIT stepShown(step);
  if (m_service->isIdle()) switchDone();
}

void PlaygroundPage::switchDone() {
  // The views are done: load the steps either side while the person looks (Play and the arrow keys go there
  // next).
  const QVector<qint64>& steps = m_timeline->steps();
  const int at = int(steps.indexOf(m_timeline->chosenStep()));
  if (at >= 0) {
    QVector<qint64> around;
    if (at + 1 < steps.size()) around << steps[at + 1];
    if (at > 0) around << steps[at - 1];
    m_loader->prefetch(around);
  }
  if (m_switchClock.isValid()) {
    m_lastSwitchMs = double(m_switchClock.nsecsElapsed()) / 1e6;
    m_switchClock.invalidate();
    m_timeline->setNote(
        m_loadMs > 0
            ? tr("shown in %1 ms (%2 ms to load)").arg(m_lastSwitchMs, 0, 'f', 0).arg(m_loadMs, 0, 'f', 0)
            : tr("shown in %1 ms").arg(m_lastSwitchMs, 0, 'f', 0));
  }
}

void PlaygroundPage::setProbes(const std::vector<Probe>& probes) {
  m_probes = probes;
  showProbes();
}

void PlaygroundPage::addProbe(const Probe& probe) {
  try {
    probe.validate();
  } catch (...) {
    QMessageBox::warning(this, tr("Pin as probe"), QString::fromStdString(currentErrorMessage()));
    return;
  }
  if (std::find(m_probes.begin(), m_probes.end(), probe) != m_probes.end()) return;
  m_probes.push_back(probe);
  showProbes();
  Q_EMIT probesChanged(m_probes);
}

void PlaygroundPage::showProbes() {
  m_probeList->clear();
  for (const Probe& p : m_probes) m_probeList->addItem(QString::fromStdString(p.label()));
  if (m_probes.empty())
    m_probeList->addItem(tr("None yet: “Pin as probe” to watch when the model learns a fact."));
  m_removeProbe->setEnabled(!m_probes.empty());
  m_traceProbes->setEnabled(m_tracing || !m_probes.empty());
}

}  // namespace pretrain::ui
