// pretrain train: a training run from the command line, the same run folder the studio writes.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/arg_parser.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/interrupt.h"
#include "cli/progress_line.h"
#include "cli/train_options.h"
#include "run/run_folder.h"
#include "run/training_run.h"

namespace pretrain::cli {

int runTrain(const Args& args) {
  ArgParser p(
      "pretrain train --corpus PATH --out RUN_DIR [options]   |   pretrain train --out RUN_DIR --resume",
      "Pre-trains a model on a corpus: tokenizes it (RUN_DIR/data), trains, evaluates, and writes\n"
      "config.json, metrics.jsonl and checkpoints into RUN_DIR. Ctrl-C stops at the next step and saves a\n"
      "checkpoint (a second Ctrl-C aborts); --resume continues a run towards --steps exactly as if it\n"
      "had never stopped.");
  addTrainOptions(p);
  p.flag("resume", "continue the run in --out from its latest checkpoint");
  p.flag("json", "print the summary as one JSON object");
  if (!p.parseOrPrintHelp(args)) return 0;
  TrainingRunOptions o = trainOptionsFrom(p);
  const bool json = p.isSet("json");

  ProgressLine progress(json);
  const ProgressFn progressFn = progress.callback();
  TrainingRunCallbacks cb;
  cb.dataProgress = progressFn;
  int64_t total = o.train.steps;
  double lastVal = NAN;
  cb.onReady = [&](Trainer& t) {
    total = t.trainConfig().steps;
    if (json) return;
    const ModelConfig& m = t.modelConfig();
    progress.finish();
    std::fprintf(stderr, "%s model: %d layers, %d heads, width %d, context %d, vocabulary %d\n",
                 m.objective == Objective::Causal ? "next-word (GPT-style)" : "masked-word (BERT-style)",
                 m.layers, m.heads, m.dim, m.context, m.vocabSize);
    std::fprintf(
        stderr, "%.1fM parameters, %.1f MFLOP per training token, about %s to train (batch %d); %s\n",
        double(m.parameterCount()) / 1e6, m.trainingFlopsPerToken() / 1e6,
        formatBytes(double(m.trainingMemoryBytes(t.trainConfig().batch, t.trainConfig().precision == "bf16")))
            .c_str(),
        t.trainConfig().batch, t.computeDescription().c_str());
  };
  cb.onEval = [&](const EvalMetrics& e) { lastVal = e.loss; };
  std::vector<ProbeResult> lastProbes;
  cb.onProbes = [&](const std::vector<ProbeResult>& results) { lastProbes = results; };
  cb.onStep = [&](const StepMetrics& s) {
    char detail[160];
    std::snprintf(detail, sizeof detail, "loss %.3f%s, lr %.2e, %s tokens/s", s.trainLoss,
                  std::isnan(lastVal) ? "" : (", val " + std::to_string(lastVal).substr(0, 5)).c_str(), s.lr,
                  formatCount(uint64_t(s.tokensPerSecond)).c_str());
    progressFn({"training", uint64_t(s.step), uint64_t(total), "steps", detail});
  };
  cb.onNote = [&](const std::string& note) {
    if (json || note.rfind("checkpoint", 0) == 0) return;
    progress.finish();
    std::fprintf(stderr, "%s\n", note.c_str());
  };
  cb.control = [] { return interruptRequested() ? RunCommand::Stop : RunCommand::Continue; };
  const TrainingRunSummary r = runTraining(o, cb);
  progress.finish();

  if (json) {
    nlohmann::json j = {{"run", o.runDir},      {"start_step", r.startStep},  {"end_step", r.endStep},
                        {"stopped", r.stopped}, {"checkpoint", r.checkpoint}, {"compute", r.compute}};
    if (r.evaluated)
      j["validation"] = {{"loss", r.lastEval.loss},
                         {"perplexity", r.lastEval.perplexity},
                         {"bits_per_byte", r.lastEval.bitsPerByte},
                         {"step", r.lastEval.step}};
    std::cout << j.dump() << "\n";
    return r.stopped ? 130 : 0;
  }
  std::printf("%s at step %lld of %lld (%s)\n", r.stopped ? "stopped" : "finished",
              static_cast<long long>(r.endStep), static_cast<long long>(total), r.compute.c_str());
  if (r.evaluated)
    std::printf("validation  loss %.4f, perplexity %.2f, %.3f bits per byte (step %lld)\n", r.lastEval.loss,
                r.lastEval.perplexity, r.lastEval.bitsPerByte, static_cast<long long>(r.lastEval.step));
  if (!lastProbes.empty()) {
    const std::vector<Probe> probes = RunFolder(o.runDir).readProbes();
    for (const ProbeResult& pr : lastProbes)
      std::printf("probe       %s: p = %.4f, rank %s\n", probes.at(size_t(pr.probe)).label().c_str(), pr.prob,
                  pr.rank ? std::to_string(pr.rank).c_str() : "beyond the candidates");
  }
  std::printf("checkpoint  %s\n", r.checkpoint.c_str());
  if (r.stopped) std::printf("continue with: pretrain train --out %s --resume\n", o.runDir.c_str());
  return r.stopped ? 130 : 0;
}

}  // namespace pretrain::cli
