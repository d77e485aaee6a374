#pragma once
// The Train page: run settings, Start / Pause / Stop, progress with ETA, and the live loss plot.

#include <QtCore/QElapsedTimer>
#include <QtWidgets/QWidget>

#include "train/train_config.h"
#include "ui/workers/training_types.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLayout;
class QProgressBar;
class QPushButton;
class QSlider;
class QSpinBox;

namespace pretrain::ui {

class LossPlot;
class ProbePlot;

class TrainPage : public QWidget {
  Q_OBJECT

 public:
  explicit TrainPage(QWidget* parent = nullptr);

  pretrain::TrainConfig config() const;
  /// Shows `config`'s settings (the last ones used, restored at start-up).
  void setConfig(const pretrain::TrainConfig& config);
  LossPlot* plot() const { return m_plot; }
  ProbePlot* probePlot() const { return m_probePlot; }
  QPushButton* startButton() const { return m_start; }
  QPushButton* pauseButton() const { return m_pause; }
  QPushButton* stopButton() const { return m_stop; }

 public Q_SLOTS:
  void setRunning(bool running);
  void setPaused(bool paused);
  void showSteps(const QVector<pretrain::StepMetrics>& rows);
  void showEval(const pretrain::EvalMetrics& eval);
  void showStatus(const QString& text);
  /// Preparing the corpus before the first step: its stage and how far it is.
  void showDataProgress(const pretrain::Progress& progress);
  /// How a run ended: stopped with a checkpoint, or finished.
  void showFinished(const pretrain::TrainingRunSummary& summary);
  /// A validation point measured after the run (Run ▸ Evaluate): on the plot, and said in full.
  void showRunEvaluation(const pretrain::EvalMetrics& eval);
  void resetForRun(qint64 totalSteps);
  /// An opened run's history, towards its `totalSteps`: its curves, validation points and probes.
  void showRunHistory(qint64 totalSteps, const std::vector<pretrain::StepMetrics>& steps,
                      const std::vector<pretrain::EvalMetrics>& evals,
                      const std::vector<pretrain::Probe>& probes,
                      const std::vector<pretrain::ProbeResult>& probeResults);
  void setTotalSteps(qint64 steps);
  void setProbes(const std::vector<pretrain::Probe>& probes);
  void showProbeResults(const QVector<pretrain::ProbeResult>& results);
  /// Who trains the shown run when not the studio: `note` says so (empty hides it), and while
  /// `elsewhere` is true Start is off (the run belongs to that process).
  void setRunOwner(const QString& note, bool elsewhere);
  /// The Freeze row is for fine-tuning (a new run from another's weights): off, and cleared, otherwise.
  void setFreezeAllowed(bool allowed);

 Q_SIGNALS:
  void startRequested();
  /// The command for `processes` data-parallel processes (1: plain `pretrain train`).
  void copyCommandRequested(int processes);
  void saveSettingsRequested();
  void pauseToggled(bool paused);
  void stopRequested();
  void batchChanged(int batch);

 private:
  QGroupBox* createSettingsBox();
  QLayout* createControls();  // Start, Pause, Stop and the progress bar.
  QLayout* createHandOver();  // Copy command (or its torchrun form), Save settings.
  QWidget* createPlots();     // The loss plot with its smoothing, and the probe plot below it.
  void syncEnabled();         // Buttons and settings as running, paused and the run's owner allow.

  QSpinBox *m_steps, *m_batch, *m_accum, *m_warmup, *m_evalEvery, *m_threads, *m_seed, *m_freezeBlocks;
  QCheckBox* m_freezeEmbeddings;
  QDoubleSpinBox* m_lr;
  QComboBox* m_precision;
  QPushButton *m_start, *m_pause, *m_stop;
  QProgressBar* m_progress;
  QLabel *m_status, *m_latest, *m_owner;
  QSlider* m_smoothing;
  LossPlot* m_plot;
  ProbePlot* m_probePlot;
  bool m_paused = false;
  bool m_running = false;
  bool m_ownedElsewhere = false;  // Another process trains the shown run.
  bool m_freezeAllowed = false;   // The next run is fine-tuned.
  qint64 m_totalSteps = 0;
  qint64 m_firstStep = -1;  // The step before this session's first row: the ETA measures its pace.
  QElapsedTimer m_clock;
};

}  // namespace pretrain::ui
