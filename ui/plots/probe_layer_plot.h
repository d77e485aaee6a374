#pragma once
// Where in the network each probe's fact is known, over training: for each step of the timeline, the first
// layer whose logit-lens reading puts the probe's target first (bottom: no layer yet; top: the first
// layer): whether a fact, once the output knows it, comes to be known by earlier layers too.

#include <QtWidgets/QWidget>

#include <vector>

#include "infer/probe.h"

class QCPItemStraightLine;
class QCustomPlot;
class QLabel;
class QMouseEvent;

namespace pretrain::ui {

struct ProbeLayerTrace;

class ProbeLayerPlot : public QWidget {
  Q_OBJECT

 public:
  explicit ProbeLayerPlot(QWidget* parent = nullptr);

  void setTrace(const std::vector<pretrain::Probe>& probes, const ProbeLayerTrace& trace);
  void clear();
  void setMarker(double step);
  QCustomPlot* plot() const { return m_plot; }
  QLabel* readout() const { return m_readout; }

 private:
  void showReadout(QMouseEvent* event);

  QCustomPlot* m_plot;
  QCPItemStraightLine* m_marker;
  QLabel* m_readout;
};

}  // namespace pretrain::ui
