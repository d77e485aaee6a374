#pragma once
// The studio's window: composes the pages (Data, Model, Train), the menus, toolbar and status bar, and the
// TrainingController. It holds no training logic of its own.

#include <QtWidgets/QMainWindow>

#include <memory>

#include "infer/predictor.h"
#include "run/training_run.h"
#include "train/trainer.h"

class QTabWidget;
class QLabel;

namespace pretrain::ui {

class BackgroundTask;
class DataPage;
class ModelPage;
class PlaygroundPage;
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
  TrainingController* controller() const { return m_controller; }
  BackgroundTask* evaluationTask() const { return m_evaluation; }
  /// Where new runs go: the user's data folder unless the settings name another.
  static QString runsFolder();

 public Q_SLOTS:
  void startTraining();
  /// Shows a run folder's history (from the studio or `pretrain train`); Start then continues it.
  bool openRun(const QString& dir);
  /// Measures the shown run's latest checkpoint on its validation split, in the background, and adds the
  /// point to the plot (what `pretrain eval --run` prints).
  void evaluateRun();

 Q_SIGNALS:
  void runEvaluated(const pretrain::EvalMetrics& eval);

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void createMenus();
  void startNewRun();
  void continueOpenRun();
  /// Starts `options` with the pinned probes, showing `status`.
  void launch(pretrain::TrainingRunOptions options, const QString& status);
  void rememberRecent(const QString& key, const QString& path);
  void rebuildRecentMenu();
  void showError(const QString& message);
  /// Loads the run's latest checkpoint into the Playground, in the background.
  void loadRunModel(const QString& dir);

  TrainingController* m_controller;
  QTabWidget* m_tabs;
  DataPage* m_data;
  ModelPage* m_model;
  TrainPage* m_train;
  PlaygroundPage* m_playground;
  QLabel* m_statusRun;
  bool m_closeAfterStop = false;
  QString m_openRun;   // A run to continue on Start; empty for a new run.
  QString m_shownRun;  // The run whose history the Train page shows (opened or last started).
  BackgroundTask *m_evaluation, *m_modelLoader;
  qint64 m_lastStep = 0;  // The latest step shown, to say how old the Playground's weights are.
  class QMenu* m_recent = nullptr;
};

}  // namespace pretrain::ui
