#pragma once
// What the probe-layer plot draws: each probe's first top-1 layer (pretrain::probeTopLayers) at each step
// of the timeline. A plain value, made by the timeline's loader thread (ui/workers) and drawn here.

#include <QtCore/QVector>

namespace pretrain::ui {

struct ProbeLayerTrace {
  QVector<qint64> steps;
  QVector<QVector<int>> layers;  ///< [step][probe]
  int modelLayers = 0;
};

}  // namespace pretrain::ui
