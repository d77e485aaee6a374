#include "run/loss_race.h"

#include <map>
#include <vector>

#include "run/run_folder.h"
#include "train/trainer.h"
#include "util/error.h"

namespace pretrain {
namespace {

// A run's evaluations with the tokens it had seen at each, in step order.
struct History {
  std::vector<EvalMetrics> evals;
  std::map<int64_t, uint64_t> tokensAt;
  int64_t totalSteps = 0;
};

History historyOf(const std::string& dir) {
  const RunFolder run(dir);
  History h;
  h.totalSteps = run.readConfig().train.steps;
  std::vector<StepMetrics> steps;
  run.readMetrics(steps, h.evals);
  for (const StepMetrics& s : steps) h.tokensAt[s.step] = s.tokensSeen;
  if (h.evals.empty()) throw InputError("run " + dir + " has no evaluation yet");
  return h;
}

std::optional<uint64_t> tokensToReach(const History& h, double target) {
  for (const EvalMetrics& e : h.evals)
    if (e.bitsPerByte <= target && h.tokensAt.count(e.step)) return h.tokensAt.at(e.step);
  return std::nullopt;
}

}  // namespace

LossRace raceToLoss(const std::string& runA, const std::string& runB) {
  const History a = historyOf(runA), b = historyOf(runB);
  LossRace r;
  const EvalMetrics* target = &a.evals.back();
  for (const EvalMetrics& e : a.evals)
    if (e.step * 10 >= a.totalSteps) {
      target = &e;
      break;
    }
  r.target = target->bitsPerByte;
  r.targetStep = target->step;
  r.tokensA = tokensToReach(a, r.target);
  r.tokensB = tokensToReach(b, r.target);
  if (r.tokensA && r.tokensB && *r.tokensA > 0) r.ratio = double(*r.tokensB) / double(*r.tokensA);
  return r;
}

}  // namespace pretrain
