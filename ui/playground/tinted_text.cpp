#include "ui/playground/tinted_text.h"

#include <QtGui/QTextCharFormat>
#include <QtGui/QTextCursor>

#include <algorithm>
#include <cmath>

#include "ui/plots/ab_colors.h"

namespace pretrain::ui {

QColor probabilityColor(double prob) {
  const double surprise = std::clamp(-std::log10(std::max(prob, 1e-12)) / 4.0, 0.0, 1.0);
  return QColor::fromHsv(int(120 * (1 - surprise)), 90, 255);
}

QColor surpriseDifferenceColor(double bitsA, double bitsB) {
  constexpr double kFullAt = 4;  // Bits apart: 16 times more probable for one than the other.
  const double d = std::clamp((bitsB - bitsA) / kFullAt, -1.0, 1.0);
  return QColor::fromHsv((d >= 0 ? colorA() : colorB()).hsvHue(), int(150 * std::abs(d)), 255);
}

void insertTinted(QTextCursor& cursor, const QString& text, const QColor& background,
                  const QString& toolTip) {
  QTextCharFormat f;
  f.setBackground(background);
  f.setForeground(Qt::black);  // Light tints on any palette: dark text reads on all of them.
  f.setToolTip(toolTip);
  cursor.insertText(text, f);
  cursor.setCharFormat(QTextCharFormat());  // What follows is plain again.
}

}  // namespace pretrain::ui
