#pragma once
// Text tinted by probability: green for what the model expected, through yellow, to red for what
// surprised it (log scale, 1 down to 1e-4). Used for the prompt's pieces and for generated text; each
// fragment carries a tooltip.

#include <QtCore/QString>
#include <QtGui/QColor>

class QTextCursor;

namespace pretrain::ui {

QColor probabilityColor(double prob);
/// Inserts `text` at `cursor` on a background tinted by `prob`, with `toolTip` on hover.
void insertTinted(QTextCursor& cursor, const QString& text, double prob, const QString& toolTip);

}  // namespace pretrain::ui
