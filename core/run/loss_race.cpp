#include "run/loss_race.h"

#include "run/run_folder.h"
#include "util/error.h"

namespace pretrain {
namespace {

std::optional<uint64_t> tokensToReach(const EvalHistory& h, double target) {
  for (const EvalMetrics& e : h.evals)
    if (e.bitsPerByte <= target && h.tokensAt.count(e.step)) return h.tokensAt.at(e.step);
  return std::nullopt;
}

}  // namespace

EvalHistory readEvalHistory(const std::string& dir) {
  const RunFolder run(dir);
  EvalHistory h;
  h.totalSteps = run.readConfig().train.steps;
  std::vector<StepMetrics> steps;
  run.readMetrics(steps, h.evals);
  for (const StepMetrics& s : steps) h.tokensAt[s.step] = s.tokensSeen;
  return h;
}

LossRace raceToLoss(const EvalHistory& a, const EvalHistory& b) {
  if (a.evals.empty() || b.evals.empty()) throw InputError("a run has no evaluation yet");
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

LossRace raceToLoss(const std::string& runA, const std::string& runB) {
  const EvalHistory a = readEvalHistory(runA), b = readEvalHistory(runB);
  for (const auto& [dir, h] : {std::pair{&runA, &a}, std::pair{&runB, &b}})
    if (h->evals.empty()) throw InputError("run " + *dir + " has no evaluation yet");
  return raceToLoss(a, b);
}

}  // namespace pretrain
