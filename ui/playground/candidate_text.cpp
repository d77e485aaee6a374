#include "ui/playground/candidate_text.h"

#include <QtCore/QCoreApplication>

#include "tokenizer/tokenizer.h"

namespace pretrain::ui {

QString candidateLabel(const TokenCandidate& c) {
  if (c.id == SpecialTokens::kEos) return QCoreApplication::translate("candidate", "</s> (end of text)");
  const QString text = QString::fromStdString(c.text);
  if (text.trimmed().isEmpty()) return QCoreApplication::translate("candidate", "␣ (space)");
  const bool startsWord = QString::fromStdString(c.piece).startsWith(QChar(0x2581));
  return startsWord ? text : "…" + text;
}

}  // namespace pretrain::ui
