#include "ui/playground/next_word_pane.h"

#include <QtGui/QTextCursor>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QDoubleSpinBox>
#include <QtWidgets/QGroupBox>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QTextBrowser>
#include <QtWidgets/QVBoxLayout>

#include "tokenizer/tokenizer.h"
#include "ui/playground/candidate_text.h"
#include "ui/playground/tinted_text.h"
#include "ui/plots/bar_chart.h"
#include "ui/workers/inference_service.h"

namespace pretrain::ui {
namespace {

constexpr int kMaxTopK = 50;              // More bars than that do not fit the chart.
constexpr int kChartMinimumHeight = 260;  // Ten bars with readable labels.
constexpr int kPromptPiecesLines = 2;     // Most prompts' pieces fit; a longer one scrolls.
constexpr int kGeneratedLines = 3;        // A sentence or two of generated text before it scrolls.
constexpr int kBrowserPadding = 12;       // The frame and document margins around those lines.
// Generation's defaults are the engine's (GenerateOptions); this is only how far the field goes.
constexpr int kMaxGeneratedPieces = 1000;

QString alternativesText(const std::vector<TokenCandidate>& alternatives) {
  QStringList lines;
  for (const TokenCandidate& a : alternatives)
    lines << QStringLiteral("%1  %2%").arg(candidateLabel(a)).arg(100 * a.prob, 0, 'f', 1);
  return lines.join('\n');
}

QTextBrowser* smallBrowser(int lines) {
  auto* b = new QTextBrowser;
  b->setReadOnly(true);
  b->setOpenLinks(false);
  b->setFixedHeight(b->fontMetrics().lineSpacing() * lines + kBrowserPadding);
  return b;
}

}  // namespace

NextWordPane::NextWordPane(InferenceService* service, QWidget* parent)
    : QWidget(parent), m_service(service), m_chart(new BarChart) {
  m_prompt = new QLineEdit(tr("I love to eat pizza with"));
  m_prompt->setObjectName("prompt");
  m_prompt->setPlaceholderText(tr("Type a prompt, e.g. The jury said"));
  m_pieces = smallBrowser(kPromptPiecesLines);
  m_pieces->setPlaceholderText(tr("The prompt's pieces appear here, tinted by how expected each was."));
  m_info = new QLabel;
  m_info->setWordWrap(true);
  m_chart->setMinimumHeight(kChartMinimumHeight);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_prompt);
  layout->addWidget(m_pieces);
  layout->addLayout(createSettingsRow());
  layout->addLayout(createProbabilityRow());
  layout->addWidget(m_info);
  layout->addWidget(m_chart, 1);
  layout->addWidget(createGenerateBox());
  wireService();
}

QLayout* NextWordPane::createSettingsRow() {
  const NextOptions defaults;
  m_topK = new QSpinBox;
  m_topK->setRange(1, kMaxTopK);
  m_topK->setValue(defaults.topK);
  m_temperature = new QDoubleSpinBox;
  m_temperature->setRange(0.05, 5.0);
  m_temperature->setSingleStep(0.1);
  m_temperature->setValue(defaults.temperature);
  m_words = new QCheckBox(tr("Whole words"));
  m_words->setToolTip(
      tr("Extend pieces to the end of the word; a word's probability is its pieces' product"));
  m_words->setChecked(true);
  auto* row = new QHBoxLayout;
  row->addWidget(new QLabel(tr("Top")));
  row->addWidget(m_topK);
  row->addWidget(new QLabel(tr("Temperature")));
  row->addWidget(m_temperature);
  row->addWidget(m_words);
  row->addStretch();
  return row;
}

QLayout* NextWordPane::createProbabilityRow() {
  m_probabilityOf = new QLineEdit;
  m_probabilityOf->setObjectName("probabilityOf");
  m_probabilityOf->setPlaceholderText(tr("any word"));
  m_pin = new QPushButton(tr("Pin as probe"));
  m_pin->setToolTip(tr("Watch the probability of this word (or the best one) at every evaluation"));
  connect(m_pin, &QPushButton::clicked, this, &NextWordPane::pinWord);
  auto* row = new QHBoxLayout;
  row->addWidget(new QLabel(tr("Probability of")));
  row->addWidget(m_probabilityOf, 1);
  row->addWidget(m_pin);
  return row;
}

QGroupBox* NextWordPane::createGenerateBox() {
  m_maxTokens = new QSpinBox;
  m_maxTokens->setRange(1, kMaxGeneratedPieces);
  const GenerateOptions defaults;
  m_maxTokens->setValue(defaults.maxNewTokens);
  m_maxTokens->setObjectName("maxNewTokens");
  m_genTopK = new QSpinBox;
  m_genTopK->setRange(0, kMaxGeneratedPieces);
  m_genTopK->setValue(defaults.topK);
  m_genTopK->setObjectName("generateTopK");
  m_genTopK->setSpecialValueText(tr("all"));
  m_topP = new QDoubleSpinBox;
  m_topP->setRange(0.01, 1.0);
  m_topP->setSingleStep(0.05);
  m_topP->setValue(defaults.topP);
  m_topP->setObjectName("generateTopP");
  m_seed = new QSpinBox;
  m_seed->setRange(0, 1 << 30);
  m_generate = new QPushButton(tr("Generate"));
  m_output = smallBrowser(kGeneratedLines);
  m_output->setPlaceholderText(
      tr("Generated text appears here piece by piece, tinted by each piece's probability; hover a piece "
         "for the alternatives."));
  auto* bar = new QHBoxLayout;
  bar->addWidget(new QLabel(tr("Pieces")));
  bar->addWidget(m_maxTokens);
  bar->addWidget(new QLabel(tr("Top-k")));
  bar->addWidget(m_genTopK);
  bar->addWidget(new QLabel(tr("Top-p")));
  bar->addWidget(m_topP);
  bar->addWidget(new QLabel(tr("Seed")));
  bar->addWidget(m_seed);
  bar->addStretch();
  bar->addWidget(m_generate);
  auto* box = new QGroupBox(tr("Generate (uses the temperature above)"));
  auto* layout = new QVBoxLayout(box);
  layout->addLayout(bar);
  layout->addWidget(m_output);
  connect(m_generate, &QPushButton::clicked, this, &NextWordPane::generateOrStop);
  return box;
}

void NextWordPane::wireService() {
  m_debounce.setSingleShot(true);
  m_debounce.setInterval(kTypingPauseMs);
  connect(&m_debounce, &QTimer::timeout, this, &NextWordPane::refresh);
  for (QLineEdit* e : {m_prompt, m_probabilityOf})
    connect(e, &QLineEdit::textChanged, this, [this] { m_debounce.start(); });
  connect(m_topK, &QSpinBox::valueChanged, this, [this] { m_debounce.start(); });
  connect(m_temperature, &QDoubleSpinBox::valueChanged, this, [this] { m_debounce.start(); });
  connect(m_words, &QCheckBox::toggled, this, &NextWordPane::refresh);
  connect(m_service, &InferenceService::nextReady, this, &NextWordPane::showNext);
  connect(m_service, &InferenceService::predictorChanged, this, &NextWordPane::refresh);
  connect(m_service, &InferenceService::generated, this, &NextWordPane::showGenerated);
  connect(m_service, &InferenceService::generateFinished, this, [this](const QString& error) {
    m_generating = false;
    m_generate->setText(tr("Generate"));
    if (!error.isEmpty()) m_info->setText(error);
  });
}

void NextWordPane::refresh() {
  m_debounce.stop();
  if (!m_service->predictor()) return;
  if (m_prompt->text().trimmed().isEmpty()) {
    m_chart->clearBars();
    m_pieces->clear();
    m_best.clear();
    m_info->setText(tr("Type a prompt to see what the model expects next."));
    return;
  }
  NextOptions o;
  o.topK = m_topK->value();
  o.temperature = m_temperature->value();
  o.words = m_words->isChecked();
  o.promptPieces = true;
  m_service->requestNext(m_prompt->text(), o, m_probabilityOf->text());
}

void NextWordPane::pinWord() {
  const QString target = m_probabilityOf->text().trimmed().isEmpty() ? m_best : m_probabilityOf->text();
  if (m_prompt->text().trimmed().isEmpty() || target.trimmed().isEmpty()) return;
  Q_EMIT pinRequested({m_prompt->text().trimmed().toStdString(), target.trimmed().toStdString()});
}

void NextWordPane::showNext(const NextView& view) {
  // An answer to text the person has since changed: the newer question's answer follows.
  if (view.prompt != m_prompt->text() || view.probabilityOf != m_probabilityOf->text()) return;
  if (!view.error.isEmpty()) {
    m_chart->clearBars();
    m_info->setText(view.error);
    return;
  }
  const NextTokenResult& r = view.result;
  m_best = r.candidates.empty() ? QString() : QString::fromStdString(r.candidates.front().text);
  showCandidates(m_chart, m_words->isChecked() ? tr("Next word") : tr("Next piece"), r.candidates);
  const bool unknown = showPromptPieces(r.pieces);
  QStringList info;
  info << tr("Entropy of the next piece: %1 bits").arg(r.entropyBits, 0, 'f', 2);
  if (view.hasProbability)
    info << tr("“%1”: probability %2, rank %3%4")
                .arg(view.probabilityOf.trimmed())
                .arg(view.probability.prob, 0, 'g', 3)
                .arg(view.probability.rank)
                .arg(view.probability.pieces > 1 ? tr(" (%1 pieces)").arg(view.probability.pieces)
                                                 : QString());
  if (r.truncated)
    info << tr("The prompt is %1 pieces, longer than the model's context: only the last ones are read.")
                .arg(r.promptTokens);
  if (unknown) info << tr("Some characters are unknown to the tokenizer (shown as ⁇).");
  m_info->setText(info.join(" · "));
}

bool NextWordPane::showPromptPieces(const std::vector<PromptPiece>& pieces) {
  m_pieces->clear();
  QTextCursor cursor(m_pieces->document());
  bool unknown = false;
  for (const PromptPiece& p : pieces) {
    unknown |= p.id == SpecialTokens::kUnk;
    insertTinted(cursor, QString::fromStdString(p.text), p.prob,
                 tr("piece %1: probability %2 given what came before")
                     .arg(QString::fromStdString(p.text).trimmed())
                     .arg(p.prob, 0, 'g', 3));
    cursor.insertText(QStringLiteral("\u200B"));  // Lets long prompts wrap between pieces.
  }
  return unknown;
}

void NextWordPane::generateOrStop() {
  if (m_generating) {
    m_service->stopGenerate();
    return;
  }
  if (!m_service->predictor() || m_prompt->text().trimmed().isEmpty()) return;
  GenerateOptions o;
  o.maxNewTokens = m_maxTokens->value();
  o.temperature = m_temperature->value();
  o.topK = m_genTopK->value();
  o.topP = m_topP->value();
  o.seed = uint64_t(m_seed->value());
  m_output->clear();
  QTextCursor cursor(m_output->document());
  cursor.insertText(m_prompt->text().trimmed());
  m_generating = true;
  m_generate->setText(tr("Stop"));
  m_service->startGenerate(m_prompt->text(), o);
}

void NextWordPane::showGenerated(const GeneratedPiece& piece) {
  QTextCursor cursor(m_output->document());
  cursor.movePosition(QTextCursor::End);
  insertTinted(cursor, QString::fromStdString(piece.text), piece.prob,
               tr("probability %1\nalternatives:\n%2")
                   .arg(piece.prob, 0, 'g', 3)
                   .arg(alternativesText(piece.alternatives)));
}

}  // namespace pretrain::ui
