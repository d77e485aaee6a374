#include "ui/pages/model_page.h"

#include <QtGui/QStandardItemModel>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QFormLayout>
#include <QtWidgets/QGroupBox>
#include <QtWidgets/QLabel>
#include <QtWidgets/QRadioButton>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QVBoxLayout>

#include "compute/device_list.h"
#include "tokenizer/tokenizer_trainer.h"
#include "train/throughput_estimate.h"
#include "ui/workers/background_task.h"
#include "util/error.h"

namespace pretrain::ui {
namespace {

// The figures shown use the default vocabulary: the tokenizer's real size is known once it is trained.
const int kEstimateVocab = TokenizerOptions().vocabSize;
constexpr int kMlpRatio = 4;     // Each block's MLP is this many times the width, as in GPT-2 and BERT.
constexpr int kNoteIndent = 24;  // Puts an objective's note under its radio button's text.

QSpinBox* spin(int min, int max, int step, const char* name) {
  auto* s = new QSpinBox;
  s->setRange(min, max);
  s->setSingleStep(step);
  s->setObjectName(name);
  return s;
}

}  // namespace

ModelPage::ModelPage(QWidget* parent) : QWidget(parent), m_speedTask(new BackgroundTask(this)) {
  auto* figuresBox = new QGroupBox(tr("What it costs"));
  m_figures = new QLabel;
  m_figures->setTextFormat(Qt::RichText);
  m_figures->setWordWrap(true);
  (new QVBoxLayout(figuresBox))->addWidget(m_figures);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(createObjectiveBox());
  layout->addWidget(createShapeBox());
  layout->addWidget(createDeviceBox());
  layout->addWidget(figuresBox);
  layout->addStretch();

  connect(m_speedTask, &BackgroundTask::succeeded, this, [this](const QVariant& tokensPerSecond) {
    m_tokensPerSecond = tokensPerSecond.toDouble();
    m_estimatedFor = m_estimating;
  });
  connect(m_speedTask, &BackgroundTask::finished, this,
          &ModelPage::refresh);  // Catches up with edits made meanwhile.
  applyPreset();
}

QGroupBox* ModelPage::createObjectiveBox() {
  auto* box = new QGroupBox(tr("What the model learns"));
  m_causal = new QRadioButton(tr("Next-word prediction (GPT-style)"));
  m_masked = new QRadioButton(tr("Masked language modeling (BERT-style)"));
  m_causal->setChecked(true);
  auto* causalNote =
      new QLabel(tr("Reads left to right and learns to predict the next word from the words before it."));
  auto* maskedNote = new QLabel(tr("Hides 15% of the words and learns to recover them from both sides."));
  for (QLabel* l : {causalNote, maskedNote}) {
    l->setWordWrap(true);
    l->setIndent(kNoteIndent);
    l->setForegroundRole(QPalette::PlaceholderText);
  }
  auto* layout = new QVBoxLayout(box);
  layout->addWidget(m_causal);
  layout->addWidget(causalNote);
  layout->addWidget(m_masked);
  layout->addWidget(maskedNote);
  connect(m_causal, &QRadioButton::toggled, this, &ModelPage::refresh);
  return box;
}

QGroupBox* ModelPage::createShapeBox() {
  auto* box = new QGroupBox(tr("Shape"));
  m_preset = new QComboBox;
  m_preset->addItem(tr("tiny: 4 layers, width 256, context 128"), "tiny");
  m_preset->addItem(tr("small: 6 layers, width 384, context 256"), "small");
  m_preset->addItem(tr("base: 8 layers, width 512, context 256"), "base");
  m_preset->addItem(tr("gpt2: 12 layers, width 768, context 1024 (GPT-2 small's shape; for a GPU)"), "gpt2");
  m_layers = spin(1, 64, 1, "layers");
  m_heads = spin(1, 64, 1, "heads");
  m_dim = spin(16, 4096, 32, "dim");
  m_context = spin(8, 4096, 32, "context");
  m_headsError = new QLabel;
  m_headsError->setStyleSheet("color: #c0392b");
  m_headsError->setWordWrap(true);
  auto* form = new QFormLayout(box);
  form->addRow(tr("Preset"), m_preset);
  form->addRow(tr("Layers"), m_layers);
  form->addRow(tr("Attention heads"), m_heads);
  form->addRow(QString(), m_headsError);
  form->addRow(tr("Width (channels)"), m_dim);
  form->addRow(tr("Context (tokens)"), m_context);
  connect(m_preset, &QComboBox::currentIndexChanged, this, &ModelPage::applyPreset);
  for (QSpinBox* s : {m_layers, m_heads, m_dim, m_context})
    connect(s, &QSpinBox::valueChanged, this, &ModelPage::refresh);
  return box;
}

QGroupBox* ModelPage::createDeviceBox() {
  auto* box = new QGroupBox(tr("Where it trains"));
  m_device = new QComboBox;
  m_device->setObjectName("device");
  m_device->addItem(tr("Automatic: %1 here").arg(QString::fromStdString(automaticDeviceDescription())),
                    "auto");
  m_device->addItem(tr("CPU"), "cpu");
  m_device->addItem(tr("GPU (CUDA)"), "cuda");
  if (!cudaAvailable()) {  // Shown, but not offered: say why.
    auto* model = qobject_cast<QStandardItemModel*>(m_device->model());
    model->item(2)->setEnabled(false);
    model->item(2)->setToolTip(tr("This build's LibTorch has no CUDA, or no GPU is present"));
  }
  m_deviceInUse = new QLabel(tr("In use: (no run yet)"));
  m_deviceInUse->setObjectName("deviceInUse");
  auto* form = new QFormLayout(box);
  form->addRow(tr("Device"), m_device);
  form->addRow(QString(), m_deviceInUse);
  return box;
}

QString ModelPage::device() const { return m_device->currentData().toString(); }

void ModelPage::showComputeInUse(const QString& description) {
  m_deviceInUse->setText(tr("In use: %1").arg(description));
}

void ModelPage::estimateSpeed() {
  // The first estimate measures this machine (about a second), so it runs off the GUI thread; a shape
  // changed meanwhile is estimated when that finishes.
  if (!isValid() || m_speedTask->isRunning()) return;
  const ModelConfig c = config(kEstimateVocab);
  const QString key = QString::fromStdString(c.toJson());
  if (key == m_estimatedFor) return;
  m_estimating = key;
  m_speedTask->start([c](const ProgressFn&) { return QVariant(estimateTrainingTokensPerSecond(c)); });
}

void ModelPage::applyPreset() {
  ModelConfig c;
  try {
    c = ModelConfig::preset(preset().toStdString(), Objective::Causal, kEstimateVocab);
  } catch (...) {
    showEngineError();
    return;
  }
  showShape(c);
  refresh();
}

void ModelPage::showShape(const ModelConfig& c) {
  m_applyingPreset = true;
  m_layers->setValue(c.layers);
  m_heads->setValue(c.heads);
  m_dim->setValue(c.dim);
  m_context->setValue(c.context);
  m_applyingPreset = false;
}

QString ModelPage::preset() const { return m_preset->currentData().toString(); }

void ModelPage::setModel(const ModelConfig& config, const QString& preset, const QString& device) {
  (config.objective == Objective::Causal ? m_causal : m_masked)->setChecked(true);
  const int index = m_preset->findData(preset.section('+', 0, 0));
  if (index >= 0) m_preset->setCurrentIndex(index);  // Fills in the preset's shape; the file's comes next.
  showShape(config);
  m_device->setCurrentIndex(std::max(0, m_device->findData(device)));
  refresh();
}

ModelConfig ModelPage::config(int vocabSize) const {
  ModelConfig c = ModelConfig::preset(
      preset().toStdString(), m_causal->isChecked() ? Objective::Causal : Objective::Masked, vocabSize);
  c.layers = m_layers->value();
  c.heads = m_heads->value();
  c.dim = m_dim->value();
  c.mlpDim = kMlpRatio * c.dim;
  c.context = m_context->value();
  return c;
}

bool ModelPage::isValid() const { return m_dim->value() % m_heads->value() == 0; }

void ModelPage::setBatchForEstimate(int batch) {
  m_batch = batch;
  refresh();
}

void ModelPage::refresh() {
  if (m_applyingPreset) return;
  m_headsError->setText(
      isValid() ? QString()
                : tr("%1 heads do not divide the width %2: each head needs width / heads channels.")
                      .arg(m_heads->value())
                      .arg(m_dim->value()));
  m_headsError->setVisible(!isValid());
  if (isValid()) showFigures();
  Q_EMIT changed();
}

void ModelPage::showFigures() {
  try {
    const ModelConfig c = config(kEstimateVocab);
    const bool estimated = m_estimatedFor == QString::fromStdString(c.toJson());
    m_figures->setText(
        tr("<b>%1 M</b> parameters &nbsp;·&nbsp; <b>%2 MFLOP</b> per training token &nbsp;·&nbsp; "
           "about <b>%3 GB</b> to train with batch %4 &nbsp;·&nbsp; %5<br>"
           "<small>With an 8,000-piece vocabulary; the run uses the tokenizer's real size. The speed is an "
           "estimate for fp32 on this machine's CPU, from its measured matrix-multiply peak.</small>")
            .arg(double(c.parameterCount()) / 1e6, 0, 'f', 1)
            .arg(c.trainingFlopsPerToken() / 1e6, 0, 'f', 1)
            .arg(double(c.trainingMemoryBytes(m_batch, false)) / 1e9, 0, 'f', 2)
            .arg(m_batch)
            .arg(estimated ? tr("about <b>%L1</b> tokens/s").arg(qRound(m_tokensPerSecond))
                           : tr("estimating speed…")));
    if (!estimated) estimateSpeed();
  } catch (...) {
    showEngineError();
  }
}

void ModelPage::showEngineError() {
  // Settings the engine refuses: say why where the figures would be.
  m_figures->setText(QString::fromStdString(currentErrorMessage()).toHtmlEscaped());
}

}  // namespace pretrain::ui
