#pragma once
// The studio's window: composes the pages (Data, Model, Train, Playground), the menus, toolbar and status
// bar, and the TrainingController. It holds no training logic of its own: it passes what one page or
// worker says to the others, and starts, opens and evaluates runs through the engine.

#include <QtWidgets/QMainWindow>

#include <memory>
#include <optional>

#include "infer/predictor.h"
#include "run/run_follower.h"
#include "run/training_run.h"
#include "train/trainer.h"
#include "ui/window/run_state.h"

class QLabel;
class QTabWidget;
class QToolBar;

namespace pretrain::ui {

class BackgroundTask;
class ComparePage;
class DataPage;
class FollowedRun;
class ModelPage;
class PlaygroundPage;
class RecentMenu;
class ModelExport;
class RunEvaluation;
class TrainPage;
class TrainingController;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  DataPage* dataPage() const { return m_data; }
  ModelPage* modelPage() const { return m_model; }
  TrainPage* trainPage() const { return m_train; }
  PlaygroundPage* playgroundPage() const { return m_playground; }
  ComparePage* comparePage() const { return m_compare; }
  QWidget* currentPage() const;  ///< The page shown.
  FollowedRun* followedRun() const { return m_followed; }
  TrainingController* controller() const { return m_controller; }
  /// Where new runs go: the user's data folder unless the settings name another.
  static QString runsFolder();

 public Q_SLOTS:
  void startTraining();
  /// Shows a run folder's history (from the studio or `pretrain train`) and follows it: what another
  /// process writes into it shows up as it comes. Start continues it unless another process is training it.
  bool openRun(const QString& dir);
  /// Makes Start begin a new run fine-tuned from `parent`'s latest weights on `corpus` (the Train page with
  /// the fine-tuning defaults, the parent named); false when the corpus cannot be read (a message).
  bool prepareFineTune(const QString& parent, const QStringList& corpus);
  /// Starts the shown fine-tuned run's twin from random weights (run/scratch_twin.h); when it ends, the
  /// Compare page sets the two side by side and races them to a loss. False, with a message, when the shown
  /// run was not fine-tuned or a run is going on.
  bool trainScratchTwin();
  /// The `pretrain train` command that would start the run Start starts now (or its torchrun form for
  /// `processes` data-parallel processes), on the clipboard (and returned).
  QString copyCommand(int processes = 1);
  /// Those settings as a `pretrain train --config` file at `path`; false, with a message, when it cannot be
  /// written.
  bool saveSettings(const QString& path);
  /// Reads a settings file (`pretrain train --config`'s, or a run's config.json) into the pages: corpus,
  /// tokenizer size, model, training settings, probes, and the run to fine-tune from. A bad file is a
  /// message, and nothing changes.
  bool openSettings(const QString& path);
  /// Measures the shown run's latest checkpoint on its validation split, in the background, and adds the
  /// point to the plot (what `pretrain eval --run` prints).
  void evaluateRun();
  /// Stops a running run with a checkpoint, as Stop does, then closes without asking; closes at once when
  /// none runs.
  void stopAndClose();
  /// From now on SIGTERM, SIGHUP and SIGINT stop and close (QuitSignals), and a session manager's request
  /// to save (at logout) writes a checkpoint; the program's main calls it once.
  void handleQuitRequests();

 Q_SIGNALS:
  void runEvaluated(const pretrain::EvalMetrics& eval);

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void createMenus();
  void createFileMenu();
  QToolBar* createRunMenu();  // With the toolbar that shows its Start, Pause and Stop.
  void createViewMenu(QToolBar* toolbar);
  void createHelpMenu();
  void wireTrainPage();
  void wireController();
  void wirePlayground();
  void wireBackgroundTasks();
  void wireFollowedRun();
  /// Start, Pause, Stop and Evaluate as the studio's run and the shown run's owner allow.
  void syncRunActions();
  void restoreSettings();

  void startNewRun();
  /// The run Start would begin now (not yet in a folder): the pages' corpus, model and settings, the probes.
  pretrain::TrainingRunOptions newRunOptions() const;
  /// A new run's folder in the runs folder (which is made if need be).
  QString newRunFolder() const;
  /// Starts `options` as a new run (in options.runDir), shown on the Train page with `status`.
  void beginNewRun(const pretrain::TrainingRunOptions& options, const QString& status);
  void continueOpenRun();
  /// Starts `options` with the pinned probes, showing `status`.
  void launch(pretrain::TrainingRunOptions options, const QString& status);
  /// Keeps what a new run started with: its corpus and settings for the next session, and the recent menu.
  void rememberStart(const pretrain::TrainConfig& train);
  void showError(const QString& message);
  /// Loads the run's latest checkpoint into the Playground, in the background (again when one is loading).
  void loadRunModel(const QString& dir);
  /// The last step shown: in the status bar, and for saying how old the Playground's weights are.
  void showLatestStep(const pretrain::StepMetrics& step);
  /// What the followed run gained (FollowedRun): its rows, probes, length, checkpoints and owner.
  void showRunUpdate(const pretrain::RunUpdate& update);
  /// Whether another process trains the shown run (`writer`), said on the Train page; Start is off then.
  void showRunWriter(const std::optional<pretrain::RunWriter>& writer);

  // How long the status bar keeps a message: long enough to read a sentence, short enough not to linger.
  static constexpr int kStatusMessageMs = 8000;

  TrainingController* m_controller;
  QTabWidget* m_tabs;
  DataPage* m_data;
  ModelPage* m_model;
  TrainPage* m_train;
  PlaygroundPage* m_playground;
  ComparePage* m_compare;
  QLabel* m_statusRun;
  RecentMenu* m_recent = nullptr;
  RunEvaluation* m_evaluation;
  ModelExport* m_export;
  BackgroundTask* m_modelLoader;
  FollowedRun* m_followed;
  QAction *m_startAction = nullptr, *m_pauseAction = nullptr, *m_stopAction = nullptr,
          *m_evaluateAction = nullptr, *m_fineTuneAction = nullptr, *m_twinAction = nullptr;
  RunState m_run;
  bool m_reloadModel = false;  // A newer checkpoint came while one was loading.
  bool m_closeAfterStop = false;
};

}  // namespace pretrain::ui
