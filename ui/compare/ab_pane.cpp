#include "ui/compare/ab_pane.h"

#include <QtGui/QTextCursor>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QTextBrowser>
#include <QtWidgets/QVBoxLayout>

#include "ui/playground/candidate_text.h"
#include "ui/playground/tinted_text.h"
#include "ui/plots/bar_chart.h"
#include "ui/workers/inference_service.h"

namespace pretrain::ui {
namespace {

constexpr int kTopK = 5;                  // Each model's; the chart shows their union (5 to 10 pieces).
constexpr int kChartMinimumHeight = 220;  // Ten pairs of bars; the page gives it more when it can.
constexpr int kPiecesLines = 2;

}  // namespace

AbPane::AbPane(QWidget* parent)
    : QWidget(parent), m_service(new InferenceService(this)), m_chart(new BarChart) {
  m_prompt = new QLineEdit(tr("I love to eat pizza with"));
  m_prompt->setPlaceholderText(tr("A prompt both models read"));
  m_info = new QLabel;
  m_info->setWordWrap(true);
  m_pieces = new QTextBrowser;
  m_pieces->setFixedHeight(m_pieces->fontMetrics().lineSpacing() * kPiecesLines + 12);
  m_pieces->setPlaceholderText(
      tr("The prompt's pieces appear here, tinted by which model each surprised less."));
  m_chart->setMinimumHeight(kChartMinimumHeight);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_prompt);
  layout->addWidget(m_pieces);
  layout->addWidget(m_info);
  layout->addWidget(m_chart, 1);
  m_debounce.setSingleShot(true);
  m_debounce.setInterval(kTypingPauseMs);
  connect(&m_debounce, &QTimer::timeout, this, &AbPane::refresh);
  connect(m_prompt, &QLineEdit::textChanged, this, [this] { m_debounce.start(); });
  m_service->setObjectName("inference");
  connect(m_service, &InferenceService::comparisonReady, this, &AbPane::showComparison);
}

void AbPane::setModels(std::shared_ptr<const Predictor> a, std::shared_ptr<const Predictor> b) {
  m_b = std::move(b);
  m_service->setPredictor(std::move(a));
  refresh();
}

void AbPane::showMessage(const QString& message) {
  m_chart->clearBars();
  m_pieces->clear();
  m_info->setText(message);
}

void AbPane::refresh() {
  m_debounce.stop();
  if (!m_service->predictor() || !m_b) {
    m_chart->clearBars();
    m_info->setText(tr("Choose two runs above (or one run twice, at two steps) to compare them here."));
    return;
  }
  if (m_prompt->text().trimmed().isEmpty()) {
    m_chart->clearBars();
    m_info->setText(tr("Type a prompt for both models to read."));
    return;
  }
  m_service->requestComparison(m_b, m_prompt->text(), kTopK);
}

void AbPane::showComparison(const ComparisonView& view) {
  if (view.prompt != m_prompt->text()) return;  // A newer one follows.
  m_pieces->clear();
  if (!view.error.isEmpty()) {
    m_chart->clearBars();
    m_info->setText(view.error);
    return;
  }
  const NextComparison& c = view.result;
  QStringList labels;
  QVector<double> a, b;
  for (const PairedCandidate& p : c.both) {
    labels << candidateLabel(p.candidate);
    a << p.candidate.prob;
    b << p.probB;
  }
  m_chart->setPairedBars(tr("Next piece: A blue, B orange"), labels, a, b, tr("probability"), 1.0);
  m_info->setText(tr("KL(A ‖ B) of the next piece: %1 bits (0: the same distribution; the bits B wastes on "
                     "average coding what A expects). Tint: blue where A was less surprised by a piece, "
                     "orange where B was.")
                      .arg(c.klBits, 0, 'f', 3));
  QTextCursor cursor(m_pieces->document());
  for (const PieceSurprise& p : c.pieces) {
    insertTinted(cursor, QString::fromStdString(p.text), surpriseDifferenceColor(p.bitsA, p.bitsB),
                 tr("“%1”: A %2 bits, B %3 bits of surprise")
                     .arg(QString::fromStdString(p.text).trimmed())
                     .arg(p.bitsA, 0, 'f', 2)
                     .arg(p.bitsB, 0, 'f', 2));
    cursor.insertText(QStringLiteral("\u200B"));  // Lets long prompts wrap between pieces.
  }
}

}  // namespace pretrain::ui
