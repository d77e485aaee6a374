#pragma once
// A run folder shown in the studio and written by another process (`pretrain train`, torchrun's first
// process, on this machine or one that shares the folder): looked at every second, and what it gained
// reported to the window. Looking takes no lock, so it never holds up the writer.

#include <QtCore/QObject>
#include <QtCore/QTimer>

#include <memory>

#include "run/run_follower.h"

namespace pretrain::ui {

class FollowedRun : public QObject {
  Q_OBJECT

 public:
  explicit FollowedRun(QObject* parent = nullptr);
  ~FollowedRun() override;

  /// Looks at `dir` now and returns all of it; from then on, updated() says what it gains, until stop() or
  /// another follow(). Throws InputError for a missing or damaged run (the run followed so far stays).
  pretrain::RunUpdate follow(const QString& dir);
  void stop();
  bool isFollowing() const { return m_timer.isActive(); }

 Q_SIGNALS:
  /// What the run gained since the last look (only when it gained something, or its writer came or went).
  void updated(const pretrain::RunUpdate& update);
  /// The run can no longer be read (its folder was removed or its config damaged); following stops.
  void failed(const QString& message);

 private:
  void look();

  QTimer m_timer;
  std::unique_ptr<pretrain::RunFollower> m_follower;
  bool m_hadWriter = false;
  int64_t m_totalSteps = 0;
};

}  // namespace pretrain::ui
