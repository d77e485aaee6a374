#pragma once
// QCustomPlot paints black on white whatever the desktop's colours; this gives a plot the window's palette
// (light or dark) and the drawing hints every plot of the studio uses.

class QCustomPlot;
class QPalette;

namespace pretrain::ui {

void stylePlot(QCustomPlot* plot, const QPalette& palette);

}  // namespace pretrain::ui
