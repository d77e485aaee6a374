#include "ui/playground/candidate_text.h"

#include <QtCore/QCoreApplication>

#include "tokenizer/tokenizer.h"
#include "tokenizer/word_pieces.h"
#include "ui/plots/bar_chart.h"

namespace pretrain::ui {

QString candidateLabel(const TokenCandidate& c) {
  if (c.id == SpecialTokens::kEos) return QCoreApplication::translate("candidate", "</s> (end of text)");
  const QString text = QString::fromStdString(c.text);
  if (text.trimmed().isEmpty()) return QCoreApplication::translate("candidate", "␣ (space)");
  const bool startsWord = c.piece.rfind(kSpaceMark, 0) == 0;
  return startsWord ? text : "…" + text;
}

void showCandidates(BarChart* chart, const QString& title, const std::vector<TokenCandidate>& candidates) {
  QStringList labels;
  QVector<double> probs;
  for (const TokenCandidate& c : candidates) {
    labels << candidateLabel(c);
    probs << c.prob;
  }
  chart->setBars(title, labels, probs, QCoreApplication::translate("candidate", "probability"), 1.0);
}

}  // namespace pretrain::ui
