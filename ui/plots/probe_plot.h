#pragma once
// The probes' curves on the Train page: for each pinned fact, the probability of its target word at each
// evaluation, so a person sees when the model learns it.

#include <QtCore/QVector>
#include <QtWidgets/QWidget>

#include <vector>

#include "infer/probe.h"

class QCPItemStraightLine;
class QCustomPlot;
class QLabel;
class QMouseEvent;

namespace pretrain::ui {

class ProbePlot : public QWidget {
  Q_OBJECT

 public:
  explicit ProbePlot(QWidget* parent = nullptr);

  /// The probes whose results follow (their order is the results' probe index).
  void setProbes(const std::vector<pretrain::Probe>& probes);
  void addResults(const QVector<pretrain::ProbeResult>& results);
  void clear();
  int pointCount() const;
  QCustomPlot* plot() const { return m_plot; }
  /// A line at `step`: where the Playground's model stands in training (< 0: none).
  void setMarker(double step);
  double marker() const { return m_markerStep; }

 private:
  void showReadout(QMouseEvent* event);

  QCustomPlot* m_plot;
  QCPItemStraightLine* m_marker = nullptr;
  double m_markerStep = -1;
  QLabel* m_readout;
  std::vector<pretrain::Probe> m_probes;
  QVector<pretrain::ProbeResult> m_results;
};

}  // namespace pretrain::ui
