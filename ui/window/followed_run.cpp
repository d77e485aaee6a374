#include "ui/window/followed_run.h"

#include "util/error.h"

namespace pretrain::ui {
namespace {

// How often the folder is looked at: new rows show within about a second, and a look costs a few stat
// calls and the bytes appended since the last.
constexpr int kLookEveryMs = 1000;

}  // namespace

FollowedRun::FollowedRun(QObject* parent) : QObject(parent) {
  m_timer.setInterval(kLookEveryMs);
  connect(&m_timer, &QTimer::timeout, this, &FollowedRun::look);
}

FollowedRun::~FollowedRun() = default;

RunUpdate FollowedRun::follow(const QString& dir) {
  // The new run is read first: one that cannot be read leaves the one followed so far as it was.
  auto follower = std::make_unique<RunFollower>(dir.toStdString());
  RunUpdate first = follower->poll();
  stop();
  m_follower = std::move(follower);
  m_hadWriter = first.writer.has_value();
  m_totalSteps = first.train.steps;
  m_timer.start();
  return first;
}

void FollowedRun::stop() {
  m_timer.stop();
  m_follower.reset();
}

void FollowedRun::look() {
  RunUpdate u;
  try {
    u = m_follower->poll();
  } catch (...) {
    stop();
    emit failed(QString::fromStdString(currentErrorMessage()));
    return;
  }
  const bool writerChanged = u.writer.has_value() != m_hadWriter;
  const bool lengthChanged = u.train.steps != m_totalSteps;
  m_hadWriter = u.writer.has_value();
  m_totalSteps = u.train.steps;
  if (u.fromStart || !u.steps.empty() || !u.probeResults.empty() || u.probes || !u.newCheckpoint.empty() ||
      writerChanged || lengthChanged || u.damagedLines > 0)
    emit updated(u);
}

}  // namespace pretrain::ui
