#pragma once
// Two runs' validation curves on one plot against the tokens each had seen, in loss per token or in bits
// per byte (which compares runs with different tokenizers fairly: a token of one is not a token of the
// other, a byte of text is), each run's chosen step marked, and below them the race to A's early loss (a
// fine-tuned run against one from random weights: what pre-training saved).

#include <QtWidgets/QWidget>

#include <optional>

#include "run/loss_race.h"

class QCPGraph;
class QCPItemStraightLine;
class QComboBox;
class QCustomPlot;
class QLabel;

namespace pretrain::ui {

class CompareCurves : public QWidget {
  Q_OBJECT

 public:
  enum class Metric { Loss, BitsPerByte };

  explicit CompareCurves(QWidget* parent = nullptr);

  /// Draws both runs' histories (metrics.jsonl, read again only for a run that changed); a run "" draws
  /// nothing. `step` < 0: the latest, unmarked.
  void setRuns(const QString& a, qint64 stepA, const QString& b, qint64 stepB);
  void setMetric(Metric metric);
  QCustomPlot* plot() const { return m_plot; }
  QLabel* note() const { return m_note; }
  /// Points drawn for run 0 (A) or 1 (B).
  int pointCount(int run) const;

 private:
  void draw();
  /// How many tokens each run needed to reach A's loss at a tenth of its steps (run/loss_race.h).
  QString raceText() const;

  QComboBox* m_metric;
  QCustomPlot* m_plot;
  QCPGraph* m_graphs[2];
  QCPItemStraightLine* m_markers[2];
  QLabel* m_note;
  QString m_runs[2];
  std::optional<pretrain::EvalHistory> m_histories[2];  // Each run's, read when it is chosen.
  qint64 m_steps[2] = {-1, -1};
};

}  // namespace pretrain::ui
