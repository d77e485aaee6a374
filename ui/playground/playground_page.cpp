#include "ui/playground/playground_page.h"

#include <QtWidgets/QGroupBox>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QListWidget>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QSplitter>
#include <QtWidgets/QStackedWidget>
#include <QtWidgets/QVBoxLayout>

#include <algorithm>

#include "ui/playground/masked_word_pane.h"
#include "ui/playground/next_word_pane.h"
#include "ui/workers/inference_service.h"
#include "util/error.h"

namespace pretrain::ui {
namespace {

// The next-word pane gets most of the width (its chart and generated text are wide); on the right, the
// masked words get most of the height and the probe list what is left.
constexpr int kNextWordShare = 3;
constexpr int kRightColumnShare = 2;
constexpr int kMaskedShare = 3;
constexpr int kProbesShare = 1;

}  // namespace

PlaygroundPage::PlaygroundPage(QWidget* parent)
    : QWidget(parent), m_service(new InferenceService(this)), m_stack(new QStackedWidget) {
  auto* empty = new QLabel(tr(
      "<h3>No model yet</h3><p>Start training on the Train page (F5), or open a run (File ▸ Open run…).</p>"
      "<p>Predictions appear here as soon as there is a model, and change while it learns.</p>"));
  empty->setAlignment(Qt::AlignCenter);
  empty->setWordWrap(true);
  m_model = new QLabel;
  m_model->setForegroundRole(QPalette::PlaceholderText);
  auto* content = new QWidget;
  auto* contentLayout = new QVBoxLayout(content);
  contentLayout->setContentsMargins(0, 0, 0, 0);
  contentLayout->addWidget(m_model);
  contentLayout->addWidget(createPanes(), 1);
  m_stack->addWidget(empty);
  m_stack->addWidget(content);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(m_stack);
  showProbes();
}

QWidget* PlaygroundPage::createPanes() {
  m_next = new NextWordPane(m_service);
  m_masked = new MaskedWordPane(m_service);
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

void PlaygroundPage::removeSelectedProbe() {
  const int row = m_probeList->currentRow();
  if (row < 0 || row >= int(m_probes.size())) return;
  m_probes.erase(m_probes.begin() + row);
  showProbes();
  Q_EMIT probesChanged(m_probes);
}

bool PlaygroundPage::hasModel() const { return m_service->predictor() != nullptr; }

void PlaygroundPage::setPredictor(const std::shared_ptr<const Predictor>& predictor, const QString& where) {
  m_model->setText(where);
  m_stack->setCurrentIndex(predictor ? 1 : 0);
  m_service->setPredictor(predictor);
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
}

}  // namespace pretrain::ui
