#pragma once
// The Playground: explore what the model has learnt, during training and after. Next words as you type
// and masked words you click, the logit lens and the attention maps of a prompt, on a copy of the weights
// that training refreshes every few seconds, or on the weights of any step the run kept (the timeline);
// facts pinned here become probes that every evaluation measures (plotted on the Train page).

#include <QtCore/QElapsedTimer>
#include <QtWidgets/QWidget>

#include <memory>
#include <vector>

#include "infer/probe.h"

class QGroupBox;
class QLabel;
class QListWidget;
class QPushButton;
class QStackedWidget;
class QTabWidget;

namespace pretrain {
class Predictor;
}

namespace pretrain::ui {

class AttentionPane;
class InferenceService;
class LensPane;
class MaskedWordPane;
class NextWordPane;
class ProbeLayerPlot;
class TimelineBar;
class TimelineLoader;

class PlaygroundPage : public QWidget {
  Q_OBJECT

 public:
  /// Its parts are named for tools and tests (objectName): "inference", "nextWord", "maskedWord", "lens",
  /// "attention", "timeline", "probeLayers", "traceProbes", "playgroundTabs".
  explicit PlaygroundPage(QWidget* parent = nullptr);

  bool hasModel() const;
  const std::vector<pretrain::Probe>& probes() const { return m_probes; }
  /// Milliseconds from choosing the last step on the timeline to every view shown answering with its
  /// model (-1 until one was shown).
  double lastSwitchMs() const { return m_lastSwitchMs; }

 public Q_SLOTS:
  /// The latest model (from training, or the run's latest checkpoint); `where` says what it is ("run … at
  /// step …"). Shown unless the timeline shows an earlier step.
  void setPredictor(const std::shared_ptr<const pretrain::Predictor>& predictor, const QString& where);
  /// The run whose timeline to offer ("" for none); its kept steps are read again at each setPredictor().
  void setRun(const QString& dir);
  void setProbes(const std::vector<pretrain::Probe>& probes);
  void addProbe(const pretrain::Probe& probe);

 Q_SIGNALS:
  void probesChanged(const std::vector<pretrain::Probe>& probes);
  /// The step whose model the Playground shows now; -1 for the latest.
  void stepShown(qint64 step);

 private:
  QWidget* createPredictions();  // Next word | masked words over probes.
  QWidget* createLensTab();      // The lens over the probes' layers through training.
  QGroupBox* createProbesBox();
  void traceOrCancel();  // The probes through the timeline, in the background.
  void traceEnded();
  void syncPrompts();  // The three tabs' prompts (and the two "probability of" words) are one.
  void wireTimeline();
  void removeSelectedProbe();
  void showProbes();
  void readTimelineSteps();
  void chooseStep(qint64 step);
  /// Shows `predictor` in every view; `loadMs`: how long reading it from the run took (0: it was loaded).
  void showModel(const std::shared_ptr<const pretrain::Predictor>& predictor, const QString& where,
                 qint64 step, double loadMs);
  void switchDone();  // Every view shown has answered with the chosen step's model.

  InferenceService* m_service;
  TimelineLoader* m_loader;
  QStackedWidget* m_stack;
  QTabWidget* m_tabs;
  QLabel* m_model;
  TimelineBar* m_timeline;
  NextWordPane* m_next;
  MaskedWordPane* m_masked;
  LensPane* m_lens;
  AttentionPane* m_attention;
  ProbeLayerPlot* m_probeLayers;
  QPushButton* m_traceProbes;
  QListWidget* m_probeList;
  QPushButton* m_removeProbe;
  std::vector<pretrain::Probe> m_probes, m_tracedProbes;
  bool m_tracing = false;
  std::shared_ptr<const pretrain::Predictor> m_latest;  // From training or the latest checkpoint.
  QString m_latestWhere, m_run;
  QElapsedTimer m_switchClock;  // From a step chosen to its views shown.
  double m_lastSwitchMs = -1, m_loadMs = 0;
};

}  // namespace pretrain::ui
