#include "ui/workers/timeline_loader.h"

#include <QtCore/QElapsedTimer>

#include "infer/predictor.h"
#include "run/run_timeline.h"
#include "util/error.h"

namespace pretrain::ui {

TimelineLoader::TimelineLoader(QObject* parent) : QObject(parent) {}

TimelineLoader::~TimelineLoader() {
  m_latestRequest = m_latestTrace = -1;  // Whatever is queued is skipped; a trace stops at its next step.
}

void TimelineLoader::setRun(const QString& dir) {
  if (dir == m_run) return;
  m_run = dir;
  ++m_latestRequest;
  ++m_latestTrace;
  if (dir.isEmpty()) return;
  m_thread.post([this, dir] {
    try {
      timeline(dir);  // Its tokenizer, loaded now rather than on the first step chosen.
    } catch (const Error&) {
      // A run without its tokenizer yet (a new run tokenizing): opened on the first request.
    }
  });
}

RunTimeline& TimelineLoader::timeline(const QString& dir) {
  if (!m_timeline || m_timeline->dir() != dir.toStdString())
    m_timeline = std::make_unique<RunTimeline>(dir.toStdString());
  return *m_timeline;
}

void TimelineLoader::request(qint64 step) {
  if (m_run.isEmpty()) return;
  const int id = ++m_latestRequest;
  m_thread.post([this, id, dir = m_run, step] {
    if (id != m_latestRequest) return;  // A newer request is queued behind this one.
    QElapsedTimer clock;
    clock.start();
    std::shared_ptr<const Predictor> predictor;
    QString error;
    try {
      RunTimeline& t = timeline(dir);
      const bool cachedBefore = t.cached(step);
      predictor = t.predictorAt(step);
      const double ms = cachedBefore ? 0 : double(clock.nsecsElapsed()) / 1e6;
      QMetaObject::invokeMethod(
          this, [this, step, predictor, ms] { Q_EMIT loaded(step, predictor, ms); }, Qt::QueuedConnection);
      return;
    } catch (...) {
      error = QString::fromStdString(currentErrorMessage());
    }
    QMetaObject::invokeMethod(
        this, [this, step, error] { Q_EMIT failed(step, error); }, Qt::QueuedConnection);
  });
}

void TimelineLoader::prefetch(const QVector<qint64>& steps) {
  if (m_run.isEmpty()) return;
  m_thread.post([this, id = int(m_latestRequest), dir = m_run, steps] {
    try {
      for (const qint64 step : steps) {
        if (id != m_latestRequest) return;  // A person asked for a step: that one first.
        timeline(dir).predictorAt(step);
      }
    } catch (...) {
      // Not asked for yet: a step that cannot be read says so when it is.
    }
  });
}

void TimelineLoader::traceProbes(const std::vector<Probe>& probes) {
  if (m_run.isEmpty()) return;
  const int id = ++m_latestTrace;
  m_thread.post([this, id, dir = m_run, probes] {
    ProbeLayerTrace trace;
    try {
      RunTimeline& t = timeline(dir);
      const std::vector<int64_t> steps = t.steps();
      for (size_t i = 0; i < steps.size(); ++i) {
        if (id != m_latestTrace) return;
        const std::shared_ptr<const Predictor> predictor = t.predictorAt(steps[i]);
        const std::vector<int> layers = probeTopLayers(*predictor, probes);
        trace.steps << steps[i];
        trace.layers << QVector<int>(layers.begin(), layers.end());
        trace.modelLayers = predictor->config().layers;
        QMetaObject::invokeMethod(
            this, [this, done = int(i) + 1, total = int(steps.size())] { Q_EMIT traceProgress(done, total); },
            Qt::QueuedConnection);
      }
    } catch (...) {
      const QString error = QString::fromStdString(currentErrorMessage());
      QMetaObject::invokeMethod(
          this, [this, error] { Q_EMIT traceFailed(error); }, Qt::QueuedConnection);
      return;
    }
    QMetaObject::invokeMethod(
        this, [this, trace] { Q_EMIT traced(trace); }, Qt::QueuedConnection);
  });
}

}  // namespace pretrain::ui
