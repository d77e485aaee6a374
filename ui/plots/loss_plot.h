#pragma once
// The training curves on QCustomPlot. Every row is kept; the chosen metric is drawn from them (QCustomPlot
// decimates the drawing of long runs adaptively). Rows are buffered and drawn on a ~40 ms timer, never per
// step. Zoom and pan with the mouse; "Follow latest" keeps the newest steps in view; hovering reads out the
// nearest point; the plot saves as PNG or PDF and the rows as CSV.

#include <QtCore/QTimer>
#include <QtCore/QVector>
#include <QtWidgets/QWidget>

#include "train/trainer.h"

class QCheckBox;
class QComboBox;
class QHBoxLayout;
class QCPItemStraightLine;
class QCustomPlot;
class QCPGraph;
class QLabel;
class QMouseEvent;

namespace pretrain::ui {

class LossPlot : public QWidget {
  Q_OBJECT

 public:
  /// ExactMatch: validation only, on runs trained on pairs (offered once such a run's evaluation comes).
  enum class Metric { Loss, Perplexity, GradNorm, LearningRate, Throughput, ExactMatch };
  /// TensorBoard's default weight: smooth enough to see the trend, raw enough to see spikes.
  static constexpr double kDefaultSmoothing = 0.6;

  explicit LossPlot(QWidget* parent = nullptr);

  void addSteps(const QVector<pretrain::StepMetrics>& rows);
  void addEval(const pretrain::EvalMetrics& eval);
  void clear();
  /// 0 (raw) to 0.999 (very smooth): the weight of the past in the exponential moving average.
  void setSmoothing(double weight);
  void setMetric(Metric metric);
  int pointCount() const { return m_rows.size(); }
  int evalCount() const { return m_evals.size(); }
  QCustomPlot* plot() const { return m_plot; }
  /// A line at `step`: where the Playground's model stands in training (< 0: none).
  void setMarker(double step);
  double marker() const { return m_markerStep; }
  /// Every stored row as CSV: step, train_loss, lr, grad_norm, tokens_per_s, elapsed_s, val_loss,
  /// val_perplexity.
  QString csv() const;

 public Q_SLOTS:
  void saveImage();
  void exportCsv();
  /// Draws the rows that arrived since the last flush (the ~40 ms timer calls it).
  void flush();

 private:
  QHBoxLayout* createToolbar();  // Metric, follow, log scale, save and export.
  void createGraphs();
  void setLogScale(bool log);
  void redraw();  // Rebuilds the graphs from all stored rows for the current metric.
  void appendToGraphs(int fromRow, int fromEval);
  void showReadout(QMouseEvent* event);
  void applyPalette();  // QCustomPlot paints black on white; the plot follows the window's (dark) palette.

 protected:
  void changeEvent(QEvent* event) override;

  QCustomPlot* m_plot;
  QCPItemStraightLine* m_marker = nullptr;
  double m_markerStep = -1;
  QCPGraph *m_main, *m_smooth, *m_val;
  QComboBox* m_metric;
  QCheckBox *m_follow, *m_logScale;
  QLabel* m_readout;
  QVector<pretrain::StepMetrics> m_rows, m_pendingSteps;
  QVector<pretrain::EvalMetrics> m_evals, m_pendingEvals;
  double m_smoothing = kDefaultSmoothing;
  double m_ema = 0, m_emaWeight = 0;  // Debiased EMA state, as TensorBoard computes it.
  QTimer m_flushTimer;
};

}  // namespace pretrain::ui
