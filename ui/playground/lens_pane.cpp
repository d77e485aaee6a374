#include "ui/playground/lens_pane.h"

#include <QtCore/QCoreApplication>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QScrollArea>
#include <QtWidgets/QVBoxLayout>

#include "infer/predictor.h"
#include "ui/playground/candidate_text.h"
#include "ui/playground/refresh_when_shown.h"
#include "ui/plots/heat_map.h"
#include "ui/workers/inference_service.h"

namespace pretrain::ui {
namespace {

constexpr int kTopK = 5;          // In a cell's tooltip.
constexpr int kCellChars = 11;    // A cell is this many average characters wide: most words fit.
constexpr int kCellPadding = 10;  // Above and below a cell's word.

QString cellToolTip(const QString& layer, const QString& piece, const std::vector<TokenCandidate>& top,
                    const PieceRank* word, const QString& wordText) {
  QStringList lines{QCoreApplication::translate("lens", "%1, after “%2”:").arg(layer, piece)};
  for (const TokenCandidate& c : top)
    lines << QStringLiteral("  %1  %2%").arg(candidateLabel(c)).arg(100 * c.prob, 0, 'f', 1);
  if (word)
    lines << QCoreApplication::translate("lens", "%1: rank %2, probability %3")
                 .arg(wordText)
                 .arg(word->rank)
                 .arg(word->prob, 0, 'g', 3);
  return lines.join('\n');
}

}  // namespace

LensPane::LensPane(InferenceService* service, QWidget* parent)
    : QWidget(parent), m_service(service), m_grid(new HeatMap) {
  m_prompt = new QLineEdit;
  m_prompt->setPlaceholderText(tr("Type a prompt, e.g. The jury said"));
  m_word = new QLineEdit;
  m_word->setPlaceholderText(tr("any word: its rank in every cell"));
  m_info = new QLabel;
  m_info->setWordWrap(true);
  const QFontMetrics fm = fontMetrics();
  m_grid->setCellSize(fm.averageCharWidth() * kCellChars, fm.height() + kCellPadding);
  auto* scroll = new QScrollArea;
  scroll->setWidget(m_grid);
  scroll->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  auto* row = new QHBoxLayout;
  row->addWidget(new QLabel(tr("Prompt")));
  row->addWidget(m_prompt, 3);
  row->addWidget(new QLabel(tr("Probability of")));
  row->addWidget(m_word, 1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(row);
  layout->addWidget(m_info);
  layout->addWidget(scroll, 1);
  m_whenShown = new RefreshWhenShown(this, [this] { refresh(); });
  m_debounce.setSingleShot(true);
  m_debounce.setInterval(kTypingPauseMs);
  connect(&m_debounce, &QTimer::timeout, this, &LensPane::refresh);
  for (QLineEdit* e : {m_prompt, m_word})
    connect(e, &QLineEdit::textChanged, this, [this] { m_debounce.start(); });
  connect(m_service, &InferenceService::predictorChanged, this, &LensPane::refresh);
  connect(m_service, &InferenceService::lensReady, this, &LensPane::showLens);
}

void LensPane::refresh() {
  m_debounce.stop();
  if (!m_whenShown->askNow() || !m_service->predictor()) return;
  if (m_prompt->text().trimmed().isEmpty()) {
    m_grid->clear();
    m_info->setText(tr("Type a prompt to see what each layer would predict."));
    return;
  }
  m_service->requestLens(m_prompt->text(), m_word->text(), kTopK);
}

void LensPane::showLens(const LensView& view) {
  if (view.prompt != m_prompt->text() || view.word != m_word->text()) return;  // A newer one follows.
  if (!view.error.isEmpty()) {
    m_grid->clear();
    m_info->setText(view.error);
    return;
  }
  const LensResult& r = view.result;
  const int layers = int(r.layers.size());
  // The lens reads one position: of a word of several pieces, it can rank the first.
  QString wordLabel = QStringLiteral("“%1”").arg(view.word.trimmed());
  if (r.wordPieces.size() > 1)
    wordLabel += tr(" (its first piece, “%1”)").arg(QString::fromStdString(r.wordFirstPiece).trimmed());
  QStringList rowLabels;
  QVector<QVector<HeatMap::Cell>> cells;
  for (int l = 0; l < layers; ++l) {
    const QString name = l + 1 == layers ? tr("layer %1 · output").arg(l + 1) : tr("layer %1").arg(l + 1);
    rowLabels << name;
    QVector<HeatMap::Cell> row;
    for (size_t t = 0; t < r.layers[size_t(l)].size(); ++t) {
      const std::vector<TokenCandidate>& top = r.layers[size_t(l)][t];
      const PieceRank* word = r.word.empty() ? nullptr : &r.word[size_t(l)][t];
      HeatMap::Cell cell;
      if (!top.empty()) {
        cell.value = top.front().prob;
        cell.text = candidateLabel(top.front());
      }
      cell.toolTip = cellToolTip(name, view.pieces.value(int(t)), top, word, wordLabel);
      row << cell;
    }
    cells << row;
  }
  m_grid->setMatrix(rowLabels, view.pieces, cells);
  const bool masked =
      m_service->predictor() && m_service->predictor()->config().objective == Objective::Masked;
  QStringList info{
      masked ? tr("Each column is a piece the model read (the [MASK] at the end stands for the next "
                  "word); each row, what the model would put in that place if it stopped at that "
                  "layer (the last row is its real output).")
             : tr("Each column is a piece the model read; each row, what it would predict after "
                  "that piece if it stopped at that layer (the last row is its real output).")};
  info << tr(
      "Darker: more probable. Hover a cell for the five likeliest and the rank of the word asked for.");
  if (r.truncated)
    info << tr("The prompt is longer than the model's context: only its last pieces are read.");
  m_info->setText(info.join(' '));
}

}  // namespace pretrain::ui
