#pragma once
// Text tinted by probability: green for what the model expected, through yellow, to red for what
// surprised it (log scale, 1 down to 1e-4). Used for the prompt's pieces and for generated text; each
// fragment carries a tooltip. Two models' surprise compared gets a tint of its own.

#include <QtCore/QString>
#include <QtGui/QColor>

class QTextCursor;

namespace pretrain::ui {

QColor probabilityColor(double prob);
/// Two models' surprise at a piece, compared: blue where A was less surprised (it knows this better),
/// orange where B was (the A/B chart's colours), white where they agree; full colour from 4 bits apart.
QColor surpriseDifferenceColor(double bitsA, double bitsB);
/// Inserts `text` at `cursor` on a `background` (a light tint), with `toolTip` on hover.
void insertTinted(QTextCursor& cursor, const QString& text, const QColor& background, const QString& toolTip);
/// insertTinted() on probabilityColor(prob).
inline void insertTinted(QTextCursor& cursor, const QString& text, double prob, const QString& toolTip) {
  insertTinted(cursor, text, probabilityColor(prob), toolTip);
}

}  // namespace pretrain::ui
