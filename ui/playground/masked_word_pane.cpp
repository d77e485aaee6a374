#include "ui/playground/masked_word_pane.h"

#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QScrollArea>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QVBoxLayout>

#include "data/special_tokens.h"
#include "tokenizer/word_pieces.h"
#include "ui/playground/candidate_text.h"
#include "ui/playground/flow_layout.h"
#include "ui/playground/refresh_when_shown.h"
#include "ui/plots/bar_chart.h"
#include "ui/workers/inference_service.h"
#include "util/error.h"

namespace pretrain::ui {
namespace {

constexpr int kMaxTopK = 30;  // Each masked word gets a chart: fewer bars than the next word's.
constexpr int kDefaultTopK = 8;
constexpr int kChartFrameHeight = 60;  // A candidate chart's title and axis...
constexpr int kBarHeight = 22;         // ...and each bar with its label, so every chart reads the same.
const QString kMask = QString::fromLatin1(kMaskText);

// The words of `text` as the engine counts them (pretrain::splitWords), so "word 3" is the same word here,
// in the predictor and in a probe.
QStringList wordsOf(const QString& text) {
  const std::string utf8 = text.toStdString();
  QStringList words;
  for (const WordSpan& w : splitWords(utf8))
    words << QString::fromStdString(utf8.substr(w.begin, w.end - w.begin));
  return words;
}

}  // namespace

MaskedWordPane::MaskedWordPane(InferenceService* service, QWidget* parent)
    : QWidget(parent), m_service(service) {
  m_sentence = new QLineEdit(tr("The quick brown fox jumps over the lazy dog."));
  m_sentence->setObjectName("sentence");
  m_sentence->setPlaceholderText(tr("A sentence; click its words below to mask them, or type [MASK]"));
  auto* chips = new QWidget;
  m_chipRow = new FlowLayout(chips);
  m_info = new QLabel;
  m_info->setWordWrap(true);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_sentence);
  layout->addWidget(chips);
  layout->addLayout(createButtonRow());
  layout->addWidget(m_info);
  layout->addWidget(createChartColumn(), 1);
  wireService();
  rebuildChips();
  // The example a person sees first: "brown" masked.
  if (m_chips.size() > 2) m_chips[2]->setChecked(true);
}

QLayout* MaskedWordPane::createButtonRow() {
  m_topK = new QSpinBox;
  m_topK->setRange(1, kMaxTopK);
  m_topK->setValue(kDefaultTopK);
  m_fillAll = new QPushButton(tr("Fill all"));
  m_fillAll->setToolTip(tr("Write each masked word's best candidate into the sentence"));
  m_pin = new QPushButton(tr("Pin as probe"));
  m_pin->setToolTip(tr("Watch the probability of the one masked word at every evaluation"));
  auto* row = new QHBoxLayout;
  row->addWidget(new QLabel(tr("Top")));
  row->addWidget(m_topK);
  row->addStretch();
  row->addWidget(m_fillAll);
  row->addWidget(m_pin);
  return row;
}

QWidget* MaskedWordPane::createChartColumn() {
  auto* charts = new QWidget;
  m_chartColumn = new QVBoxLayout(charts);
  m_chartColumn->setContentsMargins(0, 0, 0, 0);
  m_chartColumn->addStretch();
  auto* scroll = new QScrollArea;
  scroll->setWidget(charts);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  return scroll;
}

void MaskedWordPane::wireService() {
  m_whenShown = new RefreshWhenShown(this, [this] { refresh(); });
  m_debounce.setSingleShot(true);
  m_debounce.setInterval(kTypingPauseMs);
  connect(&m_debounce, &QTimer::timeout, this, [this] {
    rebuildChips();
    refresh();
  });
  connect(m_sentence, &QLineEdit::textChanged, this, [this] { m_debounce.start(); });
  connect(m_topK, &QSpinBox::valueChanged, this, &MaskedWordPane::refresh);
  connect(m_fillAll, &QPushButton::clicked, this, &MaskedWordPane::fillAll);
  connect(m_pin, &QPushButton::clicked, this, &MaskedWordPane::pinMaskedWord);
  connect(m_service, &InferenceService::fillReady, this, &MaskedWordPane::showFill);
  connect(m_service, &InferenceService::predictorChanged, this, &MaskedWordPane::refresh);
}

void MaskedWordPane::rebuildChips() {
  qDeleteAll(m_chips);
  m_chips.clear();
  for (const QString& word : wordsOf(m_sentence->text())) {
    auto* chip = new QToolButton;
    chip->setText(word);
    chip->setCheckable(true);
    chip->setToolTip(tr("Click to mask this word; click again to unmask it"));
    if (word.contains(kMask)) {  // Typed masks stay masked.
      chip->setChecked(true);
      chip->setEnabled(false);
    }
    connect(chip, &QToolButton::toggled, this, &MaskedWordPane::refresh);
    m_chipRow->addWidget(chip);
    m_chips << chip;
  }
}

QVector<int> MaskedWordPane::maskedWords() const {
  QVector<int> out;
  for (int i = 0; i < m_chips.size(); ++i)
    if (m_chips[i]->isChecked() && m_chips[i]->isEnabled()) out << i;
  return out;
}

void MaskedWordPane::refresh() {
  m_debounce.stop();
  if (!m_whenShown->askNow() || !m_service->predictor()) return;
  const QVector<int> masked = maskedWords();
  m_pin->setEnabled(masked.size() == 1 && !m_sentence->text().contains(kMask));
  if (masked.isEmpty() && !m_sentence->text().contains(kMask)) {
    showFill(FillView{m_sentence->text(), {}, {}});
    return;
  }
  m_service->requestFill(m_sentence->text(), masked, m_topK->value());
}

void MaskedWordPane::showFill(const FillView& view) {
  if (view.text != m_sentence->text()) return;  // The sentence has changed since.
  qDeleteAll(m_charts);
  m_charts.clear();
  m_best.clear();
  if (!view.error.isEmpty()) {
    m_info->setText(view.error);
    return;
  }
  m_info->setText(view.masks.empty() ? tr("Click a word above to mask it.")
                                     : tr("Candidates for each masked word, from the words on both sides."));
  const QStringList words = wordsOf(view.text);
  for (const MaskPrediction& m : view.masks) {
    const QString original =
        m.original.empty() ? words.value(m.wordIndex) : QString::fromStdString(m.original);
    auto* chart = new BarChart;
    chart->setMinimumHeight(kChartFrameHeight + kBarHeight * int(m.candidates.size()));
    showCandidates(chart, tr("Word %1 (%2)").arg(m.wordIndex + 1).arg(original), m.candidates);
    m_chartColumn->insertWidget(m_chartColumn->count() - 1, chart);
    m_charts << chart;
    if (!m.candidates.empty()) m_best.emplace_back(m.wordIndex, m.candidates[0].text);
  }
}

void MaskedWordPane::fillAll() {
  if (m_best.empty()) return;
  try {
    // A typed [MASK] is replaced, a clicked word's core ("dog." becomes "cat."); rebuilds the chips.
    m_sentence->setText(QString::fromStdString(fillInWords(m_sentence->text().toStdString(), m_best)));
  } catch (...) {
    m_info->setText(QString::fromStdString(currentErrorMessage()));
  }
}

void MaskedWordPane::pinMaskedWord() {
  const QVector<int> masked = maskedWords();
  if (masked.size() != 1) return;
  try {
    // The probe asks for the word's core: "dog." is pinned as "... lazy [MASK]." => "dog".
    const std::string text = m_sentence->text().toStdString();
    const WordSpan core = wordCore(text, splitWords(text).at(size_t(masked[0])));
    Q_EMIT pinRequested({maskWords(text, {masked[0]}), text.substr(core.begin, core.end - core.begin)});
  } catch (...) {
    m_info->setText(QString::fromStdString(currentErrorMessage()));
  }
}

}  // namespace pretrain::ui
