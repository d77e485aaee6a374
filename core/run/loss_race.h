#pragma once
// How much sooner one run reaches a loss than another: the question fine-tuning answers ("does starting
// from a pre-trained model save training?"). The target is run A's validation loss early in its training
// (at a tenth of its steps); the figure is the tokens each run needed to reach it, and their ratio. In bits
// per byte, so runs with different tokenizers compare fairly. No LibTorch here.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "train/trainer.h"

namespace pretrain {

struct LossRace {
  double target = 0;       ///< Bits per byte: A's at its first evaluation at or after a tenth of its steps.
  int64_t targetStep = 0;  ///< That evaluation's step in A.
  std::optional<uint64_t> tokensA, tokensB;  ///< Tokens seen when each first reached it (none: not reached).
  /// tokensB / tokensA: how many times the tokens B needed (> 1: A got there sooner). Set when both did.
  std::optional<double> ratio;
};

/// A run's evaluations with the tokens it had seen at each step, read once for its curve and its race.
struct EvalHistory {
  std::vector<EvalMetrics> evals;  ///< In step order.
  std::map<int64_t, uint64_t> tokensAt;
  int64_t totalSteps = 0;
};

/// Throws InputError when `dir` is not a run (a damaged history line is skipped, as readMetrics does).
EvalHistory readEvalHistory(const std::string& dir);

/// Throws InputError when either has no evaluation yet.
LossRace raceToLoss(const EvalHistory& a, const EvalHistory& b);
/// The same, reading both runs. Throws InputError when a run cannot be read or has no evaluation yet.
LossRace raceToLoss(const std::string& runA, const std::string& runB);

}  // namespace pretrain
