#pragma once
// Watching a run folder that another process writes (`pretrain train`, a torchrun group's rank 0,
// on this machine or one sharing the folder): each poll() returns what the folder gained since the last,
// read from where the previous read stopped, so a long history is read once. Plain polling rather than
// file-change notifications, which network file systems do not deliver. No LibTorch here.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "infer/probe.h"
#include "run/run_lock.h"
#include "train/train_config.h"
#include "train/trainer.h"

namespace pretrain {

struct RunUpdate {
  /// The history from its start: the first poll, or the writer rewrote it (a run resumed from a checkpoint
  /// older than its last logged step drops the later lines). Otherwise only rows added since the last poll.
  bool fromStart = false;
  std::vector<StepMetrics> steps;
  std::vector<EvalMetrics> evals;
  std::vector<ProbeResult> probeResults;
  std::optional<std::vector<Probe>> probes;  ///< The run's probes, when probes.json changed (or first poll).
  TrainConfig train;                         ///< The run's settings as config.json says now (its length).
  std::string newCheckpoint;                 ///< The latest checkpoint, when it changed since the last poll.
  std::optional<RunWriter> writer;           ///< The process writing the run now, if any.
  int damagedLines = 0;  ///< History lines skipped since the last poll: not a step's or a probe's.
};

class RunFollower {
 public:
  explicit RunFollower(std::string runDir);
  ~RunFollower();
  RunFollower(const RunFollower&) = delete;
  RunFollower& operator=(const RunFollower&) = delete;

  const std::string& dir() const;
  /// What is new since the last poll (all of it the first time). Throws InputError when the run's config
  /// is missing or damaged.
  RunUpdate poll();

 private:
  struct Impl;
  std::unique_ptr<Impl> d;
};

}  // namespace pretrain
