// pretrain train: a training run from the command line, the same run folder the studio writes.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/commands.h"
#include "cli/continue_run.h"
#include "cli/format.h"
#include "cli/progress_line.h"
#include "cli/training_progress.h"
#include "compute/device_list.h"
#include "compute/process_group.h"
#include "run/run_folder.h"
#include "run/train_flags.h"
#include "run/training_run.h"
#include "settings/arg_parser.h"
#include "settings/train_options.h"
#include "util/error.h"

namespace pretrain::cli {
namespace {

// What the run reports on the way that the summary needs.
struct RunWatch {
  int64_t totalSteps = 0;        // the run's own total once it is open (a resumed run may keep its own)
  EvalMetrics lastEval{0, NAN};  // loss NaN until the first evaluation
  int64_t steps = 0;             // this command's
  double allReduceSeconds = 0;   // summed over this command's steps
  std::vector<ProbeResult> lastProbes;
};

ArgParser trainParser() {
  ArgParser p(
      "pretrain train --corpus PATH --out RUN_DIR [options]   |   pretrain train --out RUN_DIR --resume",
      "Pre-trains a model on a corpus: tokenizes it (RUN_DIR/data), trains, evaluates, and writes\n"
      "config.json, metrics.jsonl and checkpoints into RUN_DIR. Ctrl-C stops at the next step and saves a\n"
      "checkpoint (a second Ctrl-C aborts). When RUN_DIR already holds the run, the same command continues\n"
      "it from its latest checkpoint towards --steps exactly as if it had never stopped (flags given must\n"
      "match the run's; --resume needs no others). Started by torchrun (RANK, WORLD_SIZE, MASTER_ADDR,\n"
      "MASTER_PORT set), each process is one of a data-parallel run (Gloo on CPUs; NCCL on GPUs, one per\n"
      "process, the LOCAL_RANK-th): --batch and --threads are per process.");
  addTrainOptions(p);
  p.flag("resume", "continue the run in --out (which must exist) from its latest checkpoint");
  p.flag("json", "print the summary as one JSON object");
  return p;
}

// The model about to be trained, on stderr before the first step.
void printModel(const Trainer& t) {
  const ModelConfig& m = t.modelConfig();
  const TrainConfig& c = t.trainConfig();
  std::fprintf(stderr, "%s model: %d layers, %d heads, width %d, context %d, vocabulary %d\n",
               m.objective == Objective::Causal ? "next-word (GPT-style)" : "masked-word (BERT-style)",
               m.layers, m.heads, m.dim, m.context, m.vocabSize);
  std::fprintf(stderr, "%.1fM parameters, %.1f MFLOP per training token, about %s to train (batch %d); %s\n",
               double(m.parameterCount()) / 1e6, m.trainingFlopsPerToken() / 1e6,
               formatBytes(double(m.trainingMemoryBytes(c.batch, c.precision == "bf16"))).c_str(), c.batch,
               t.computeDescription().c_str());
  if (t.frozenParameters() > 0)
    std::fprintf(stderr, "%.1fM of them frozen (%s%s%s), the rest trained\n",
                 double(t.frozenParameters()) / 1e6, c.freezeEmbeddings ? "the embeddings" : "",
                 c.freezeEmbeddings && c.freezeBlocks ? " and " : "",
                 c.freezeBlocks ? ("the first " + std::to_string(c.freezeBlocks) + " block(s)").c_str() : "");
}

std::string stepDetail(const StepMetrics& s, const EvalMetrics& last) {
  char val[64] = "";
  if (!std::isnan(last.loss)) std::snprintf(val, sizeof val, ", val %.3f", last.loss);
  if (!std::isnan(last.exactMatch))
    std::snprintf(val + std::strlen(val), sizeof val - std::strlen(val), ", exact %.0f%%",
                  100 * last.exactMatch);
  char detail[160];
  std::snprintf(detail, sizeof detail, "loss %.3f%s, lr %.2e, %s tokens/s", s.trainLoss, val, s.lr,
                formatCount(uint64_t(s.tokensPerSecond)).c_str());
  return detail;
}

// The progress line, the model and the run's notes on stderr (none with --json), and `watch` kept current.
TrainingRunCallbacks trainCallbacks(RunWatch& watch, ProgressLine& progress, bool json) {
  TrainingRunCallbacks cb = trainingProgressCallbacks(
      progress.callback(), [&watch] { return watch.totalSteps; },
      [&watch](const StepMetrics& s) { return stepDetail(s, watch.lastEval); });
  cb.onReady = [&watch, &progress, json](Trainer& t) {
    watch.totalSteps = t.trainConfig().steps;
    if (json) return;
    progress.finish();
    printModel(t);
  };
  const std::function<void(const StepMetrics&)> showStep = cb.onStep;
  cb.onStep = [&watch, showStep](const StepMetrics& s) {
    ++watch.steps;
    watch.allReduceSeconds += s.allReduceSeconds;
    showStep(s);
  };
  cb.onEval = [&watch](const EvalMetrics& e) { watch.lastEval = e; };
  cb.onProbes = [&watch](const std::vector<ProbeResult>& results) { watch.lastProbes = results; };
  cb.onNote = [&progress, json](const std::string& note) {
    // A checkpoint comes every --save-every steps; the summary names the last one.
    if (json || note.rfind("checkpoint", 0) == 0) return;
    progress.finish();
    std::fprintf(stderr, "%s\n", note.c_str());
  };
  return cb;
}

// Rank 0 reports; the other ranks only train (with --json each prints its summary).
bool quietFor(bool json, const ProcessGroupSettings& group) { return json || group.rank != 0; }

void printJson(const std::string& runDir, const TrainingRunSummary& r, const ProcessGroupSettings& group,
               const RunWatch& watch) {
  nlohmann::json j = {{"run", runDir},        {"start_step", r.startStep},  {"end_step", r.endStep},
                      {"stopped", r.stopped}, {"checkpoint", r.checkpoint}, {"compute", r.compute}};
  if (group.distributed()) {
    j["rank"] = group.rank;
    j["world_size"] = group.worldSize;
    j["parameter_digest"] = r.parameterDigest;
    j["allreduce_s_per_step"] = watch.steps ? watch.allReduceSeconds / double(watch.steps) : 0.0;
  }
  if (r.evaluated) {
    j["validation"] = {{"loss", r.lastEval.loss},
                       {"perplexity", r.lastEval.perplexity},
                       {"bits_per_byte", r.lastEval.bitsPerByte},
                       {"step", r.lastEval.step}};
    if (!std::isnan(r.lastEval.exactMatch)) j["validation"]["exact_match"] = r.lastEval.exactMatch;
  }
  std::cout << j.dump() << "\n";
}

void printText(const std::string& runDir, const TrainingRunSummary& r, const RunWatch& watch) {
  std::printf("%s at step %lld of %lld (%s)\n", r.stopped ? "stopped" : "finished",
              static_cast<long long>(r.endStep), static_cast<long long>(watch.totalSteps), r.compute.c_str());
  if (r.evaluated)
    std::printf("validation  loss %.4f, perplexity %.2f, %.3f bits per byte (step %lld)\n", r.lastEval.loss,
                r.lastEval.perplexity, r.lastEval.bitsPerByte, static_cast<long long>(r.lastEval.step));
  if (r.evaluated && !std::isnan(r.lastEval.exactMatch))
    std::printf("exact match %.1f%% of the validation pairs' outputs\n", 100 * r.lastEval.exactMatch);
  if (!watch.lastProbes.empty()) {
    const std::vector<Probe> probes = RunFolder(runDir).readProbes();
    for (const ProbeResult& pr : watch.lastProbes)
      std::printf("probe       %s: p = %.4f, rank %s\n", probes.at(size_t(pr.probe)).label().c_str(), pr.prob,
                  pr.rank ? std::to_string(pr.rank).c_str() : "beyond the candidates");
  }
  if (watch.steps > 0 && watch.allReduceSeconds > 0)
    std::printf("all-reduce  %.1f ms per step (summing gradients over the processes)\n",
                1e3 * watch.allReduceSeconds / double(watch.steps));
  std::printf("checkpoint  %s\n", r.checkpoint.c_str());
  if (r.stopped)
    std::printf("continue with the same command, or: pretrain train --out %s --resume\n", runDir.c_str());
}

}  // namespace

int runTrain(const Args& args) {
  ArgParser p = trainParser();
  if (!p.parseOrPrintHelp(args)) return 0;
  TrainingRunOptions o = trainOptionsFrom(p);
  if (p.isSet("print-config")) {
    std::cout << tomlOf(trainFlags(runConfigOf(o), o.probes));
    return 0;
  }
  if (!p.given("out")) throw UsageError("--out is required");
  const bool json = p.isSet("json");
  // One process of a data-parallel run when torchrun (or a person) set its variables.
  ProcessGroupSettings group = processGroupFromEnvironment();
  if (group.distributed() && o.train.threads == 0)  // The cores shared among this machine's processes.
    o.train.threads = std::max(1, int(std::thread::hardware_concurrency()) / group.localWorldSize);
  // Before joining the group: no process writes the run folder until all have joined, so all decide alike.
  chooseNewOrContinue(p, o);
  group.gpus = trainsOnGpu(o.train.device);
  if (group.distributed()) {
    if (!json) {  // Joining waits for every process (up to 30 minutes): say what it waits for.
      if (group.restarts > 0 && group.rank == 0)
        std::fprintf(stderr, "restart %d of the group (a process had stopped)\n", group.restarts);
      std::fprintf(stderr, "process %d of %d: joining the others at %s:%d\n", group.rank + 1, group.worldSize,
                   group.masterAddress.c_str(), group.masterPort);
    }
    o.group = std::make_shared<ProcessGroup>(group);
  }
  const bool quiet = quietFor(json, group);

  ProgressLine progress(quiet);
  RunWatch watch;
  watch.totalSteps = o.train.steps;
  TrainingRunSummary r;
  try {
    r = runTraining(o, trainCallbacks(watch, progress, quiet));
  } catch (const Cancelled&) {
    throw;
  } catch (...) {
    if (!group.distributed()) throw;
    // Every process of a group prints its own error line (torchrun interleaves them): say whose it is.
    progress.finish();
    throw Error("process " + std::to_string(group.rank + 1) + " of " + std::to_string(group.worldSize) +
                ": " + currentErrorMessage());
  }
  progress.finish();
  if (json)
    printJson(o.runDir, r, group, watch);
  else if (group.rank == 0)
    printText(o.runDir, r, watch);
  return r.stopped ? kExitInterrupted : 0;
}

}  // namespace pretrain::cli
