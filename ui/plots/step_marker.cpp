#include "ui/plots/step_marker.h"

#include <qcustomplot.h>

namespace pretrain::ui {

QCPItemStraightLine* addStepMarker(QCustomPlot* plot) {
  auto* line = new QCPItemStraightLine(plot);
  line->setSelectable(false);
  line->setVisible(false);
  // x in steps, y from the top of the plot to its bottom whatever the y axis (log axes have no 0).
  for (QCPItemPosition* p : {line->point1, line->point2}) {
    p->setTypeX(QCPItemPosition::ptPlotCoords);
    p->setTypeY(QCPItemPosition::ptAxisRectRatio);
  }
  return line;
}

void moveStepMarker(QCPItemStraightLine* marker, double step) {
  // The text colour, dashed: no curve has it, and it reads on the light and the dark palette.
  marker->setPen(QPen(marker->parentPlot()->palette().color(QPalette::WindowText), 1.5, Qt::DashLine));
  marker->setVisible(step >= 0);
  marker->point1->setCoords(step, 0);
  marker->point2->setCoords(step, 1);
  marker->parentPlot()->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace pretrain::ui
