#pragma once
// Each probe's colour, the same on every plot that shows probes.

#include <QtGui/QColor>

namespace pretrain::ui {

/// Each probe's hue is this far round the colour wheel from the last (blue first), so neighbours differ.
inline QColor probeColor(int index) {
  constexpr int kHueStep = 83, kFirstHue = 200;
  return QColor::fromHsv((index * kHueStep + kFirstHue) % 360, 200, 220);
}

}  // namespace pretrain::ui
