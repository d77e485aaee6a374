#pragma once
// The training curves on QCustomPlot: raw training loss, its TensorBoard-style smoothed curve, validation
// points, and the learning rate on a second axis. Rows are buffered and drawn on a ~40 ms timer, never per
// step; every point is stored, so the smoothing can be changed after the fact.

#include <QtCore/QTimer>
#include <QtCore/QVector>
#include <QtWidgets/QWidget>

#include "ui/training_types.h"

class QCustomPlot;
class QCPGraph;

namespace pretrain::ui {

class LossPlot : public QWidget {
  Q_OBJECT

 public:
  explicit LossPlot(QWidget* parent = nullptr);

  void addSteps(const QVector<pretrain::StepMetrics>& rows);
  void addEval(const pretrain::EvalMetrics& eval);
  void clear();
  /// 0 (raw) to 0.999 (very smooth): the weight of the past in the exponential moving average.
  void setSmoothing(double weight);
  int pointCount() const { return m_steps.size(); }
  QCustomPlot* plot() const { return m_plot; }

 private:
  void flush();
  void rebuildSmoothed();

  QCustomPlot* m_plot;
  QCPGraph *m_raw, *m_smooth, *m_val, *m_lr;
  QVector<double> m_steps, m_losses;
  QVector<pretrain::StepMetrics> m_pendingSteps;
  QVector<pretrain::EvalMetrics> m_pendingEvals;
  double m_smoothing = 0.9;
  double m_ema = 0, m_emaWeight = 0;  // Debiased EMA state, as TensorBoard computes it.
  QTimer m_flushTimer;
};

}  // namespace pretrain::ui
