#pragma once
// A vertical line across a plot at the step the Playground's timeline shows, so the loss and the probes
// say where in training the model being looked at stands. Hidden for the latest weights. The line is the
// plot's item (it owns it).

class QCPItemStraightLine;
class QCustomPlot;

namespace pretrain::ui {

/// A hidden marker on `plot`.
QCPItemStraightLine* addStepMarker(QCustomPlot* plot);
/// Shows `marker` at `step` (< 0: hides it), in the plot's text colour; replots.
void moveStepMarker(QCPItemStraightLine* marker, double step);

}  // namespace pretrain::ui
