#include "ui/playground/tinted_text.h"

#include <QtGui/QTextCharFormat>
#include <QtGui/QTextCursor>

#include <algorithm>
#include <cmath>

namespace pretrain::ui {

QColor probabilityColor(double prob) {
  const double surprise = std::clamp(-std::log10(std::max(prob, 1e-12)) / 4.0, 0.0, 1.0);
  return QColor::fromHsv(int(120 * (1 - surprise)), 90, 255);
}

void insertTinted(QTextCursor& cursor, const QString& text, double prob, const QString& toolTip) {
  QTextCharFormat f;
  f.setBackground(probabilityColor(prob));
  f.setForeground(Qt::black);  // Light tints on any palette: dark text reads on all of them.
  f.setToolTip(toolTip);
  cursor.insertText(text, f);
  cursor.setCharFormat(QTextCharFormat());  // What follows is plain again.
}

}  // namespace pretrain::ui
