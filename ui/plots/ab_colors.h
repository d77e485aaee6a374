#pragma once
// The two models of a comparison keep their colours everywhere they are drawn (curves, paired bars, the
// tint of surprise): A blue, B orange, readable on the light and the dark palette alike.

#include <QtGui/QColor>

namespace pretrain::ui {

inline QColor colorA() { return {52, 152, 219}; }
inline QColor colorB() { return {230, 126, 34}; }

}  // namespace pretrain::ui
