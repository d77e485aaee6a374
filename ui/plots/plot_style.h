#pragma once
// QCustomPlot paints black on white whatever the desktop's colours; this gives a plot the window's palette
// (light or dark) and the drawing hints every plot of the studio uses.

class QCustomPlot;
class QPalette;

namespace pretrain::ui {

void stylePlot(QCustomPlot* plot, const QPalette& palette);
/// The legend in a row of its own above the plot, its entries side by side: curves that rise from the
/// bottom left towards the top right (the probes') would be covered by a legend inside.
void putLegendAbove(QCustomPlot* plot);

}  // namespace pretrain::ui
