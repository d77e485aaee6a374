#pragma once
// Loads a run's model at the steps of its timeline (run/run_timeline.h) on a thread of its own, for the
// Playground's timeline: only the newest request is loaded when several pile up (dragging, Play), and the
// last few models stay loaded. Also traces the probes through the whole timeline (where in the network
// each fact is known, step by step), cancelled by a new run or a new trace.

#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QVector>

#include <atomic>
#include <memory>
#include <vector>

#include "infer/probe.h"
#include "ui/plots/probe_layer_trace.h"
#include "ui/workers/worker_thread.h"

namespace pretrain {
class Predictor;
class RunTimeline;
}  // namespace pretrain

namespace pretrain::ui {

class TimelineLoader : public QObject {
  Q_OBJECT

 public:
  explicit TimelineLoader(QObject* parent = nullptr);
  ~TimelineLoader() override;

  /// The run to load from ("" for none); what was loaded of another run is dropped.
  void setRun(const QString& dir);
  const QString& run() const { return m_run; }
  /// Loads the model at `step` of the run; loaded() or failed() answers (the newest request only).
  void request(qint64 step);
  /// Loads `steps` ahead of being asked for (the ones next to the step shown), unless a request comes
  /// first. Call once the views are idle: loading competes with them for the cores.
  void prefetch(const QVector<qint64>& steps);
  /// Runs every probe through the logit lens at every step; traced() answers, progress() on the way.
  void traceProbes(const std::vector<pretrain::Probe>& probes);
  void cancelTrace() { ++m_latestTrace; }

 Q_SIGNALS:
  /// `loadMs`: how long the load took (0 when the model was still loaded).
  void loaded(qint64 step, const std::shared_ptr<const pretrain::Predictor>& predictor, double loadMs);
  void failed(qint64 step, const QString& message);
  void traceProgress(int done, int total);
  void traced(const pretrain::ui::ProbeLayerTrace& trace);
  void traceFailed(const QString& message);

 private:
  /// The run's timeline, opened on first use (on the loader's thread only).
  pretrain::RunTimeline& timeline(const QString& dir);

  QString m_run;
  std::unique_ptr<pretrain::RunTimeline> m_timeline;  // Touched on m_thread only.
  std::atomic<int> m_latestRequest{0}, m_latestTrace{0};
  WorkerThread m_thread{"timeline"};  // Last: stopped before what its work uses is destroyed.
};

}  // namespace pretrain::ui
