// pretrain demo: the README's headless main job. A short next-word training run on the sample corpus,
// then what the model predicts for a few prompts. Re-running it reuses the finished run.
#include <cstdio>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/progress_line.h"
#include "cli/training_progress.h"
#include "infer/predictor.h"
#include "run/open_run.h"
#include "run/run_folder.h"
#include "run/training_run.h"
#include "settings/arg_parser.h"

namespace pretrain::cli {
namespace {

// The demo's recipe: a tiny model that learns something visible in about a minute on 2 cores.
constexpr const char* kDemoPreset = "tiny";
constexpr int64_t kDemoSteps = 240;
constexpr int kDemoContext =
    64;  // Shorter windows: more steps in the minute, and Brown's sentences are short.
constexpr int kDemoBatch = 16;
constexpr double kDemoLr = 2e-3;  // Twice the default: a tiny model, a short run.
constexpr int64_t kDemoWarmup = 20;
constexpr int64_t kDemoEvalEvery = kDemoSteps / 4;  // Evaluated and saved four times in a default run.
constexpr int kCandidatesShown = 5;

const char* kPrompts[] = {"I love to eat pizza with", "The jury said that the", "He walked into the"};
const char* kMasked[] = {"The quick [MASK] fox jumps over the lazy dog.",
                         "She [MASK] the door and went out."};

ArgParser demoParser() {
  ArgParser p(
      "pretrain demo [--corpus PATH] [--out RUN_DIR] [--steps N]",
      "Trains a small next-word model on the sample corpus for about a minute (or reuses the finished\n"
      "run), then shows its next-word and masked-word predictions.");
  p.option("corpus", "PATH", "corpus to train on", "data/brown");
  p.option("out", "RUN_DIR", "run folder", "data/runs/demo");
  p.option("steps", "N", "training steps (about a minute on 2 cores)", std::to_string(kDemoSteps));
  return p;
}

TrainingRunOptions demoRunOptions(const ArgParser& p) {
  TrainingRunOptions o;
  o.runDir = p.value("out");
  o.resume = RunFolder(o.runDir).hasRun();
  o.corpus.inputs = {p.value("corpus")};
  o.preset = kDemoPreset;
  o.model = ModelConfig::preset(o.preset, Objective::Causal, o.tokenize.tokenizer.vocabSize);
  o.model.context = kDemoContext;
  o.train.steps = p.integer("steps", 1, 1 << 30);
  o.train.batch = kDemoBatch;
  o.train.lr = kDemoLr;
  o.train.warmup = kDemoWarmup;
  o.train.evalEvery = kDemoEvalEvery;
  o.train.saveEvery = kDemoEvalEvery;
  return o;
}

// Trains (or finds the run already trained), saying so and how well the model does.
TrainingRunSummary trainDemoModel(const TrainingRunOptions& o) {
  ProgressLine progress;
  const TrainingRunCallbacks cb = trainingProgressCallbacks(
      progress.callback(), [&o] { return o.train.steps; },
      [](const StepMetrics& s) {
        return "loss " + std::to_string(s.trainLoss).substr(0, 5) + ", " +
               formatCount(uint64_t(s.tokensPerSecond)) + " tokens/s";
      });
  const ModelConfig& m = o.model;
  std::printf("== Training a %s (%d layers, width %d, context %d) next-word model on %s (run folder %s)\n",
              o.preset.c_str(), m.layers, m.dim, m.context, o.corpus.inputs[0].c_str(), o.runDir.c_str());
  const TrainingRunSummary r = runTraining(o, cb);
  progress.finish();
  if (r.startStep == r.endStep && !r.stopped)
    std::printf("(already trained: reusing %s; delete it to train again)\n", o.runDir.c_str());
  if (r.evaluated)
    std::printf("validation loss %.3f, perplexity %.1f after %lld steps (%s)\n", r.lastEval.loss,
                r.lastEval.perplexity, static_cast<long long>(r.endStep), r.compute.c_str());
  return r;
}

void printCandidates(const std::vector<TokenCandidate>& candidates) {
  for (const auto& c : candidates)
    std::printf("    %s %s\n", padRight(candidateLabel(c.text, c.piece), 14).c_str(),
                formatPercent(c.prob).c_str());
}

void showPredictions(const std::string& runDir) {
  const auto predictor = openRunPredictor(runDir);
  std::printf("\n== Next word\n");
  for (const char* prompt : kPrompts) {
    std::printf("%s ...\n", prompt);
    printCandidates(predictor->next(prompt, kCandidatesShown).candidates);
  }
  std::printf("\n== Masked word (ranked by the likelihood of the whole sentence)\n");
  for (const char* text : kMasked) {
    std::printf("%s\n", text);
    printCandidates(predictor->fill(text, kCandidatesShown).front().candidates);
  }
  std::printf("\nMore: pretrain next|fill|generate|eval --run %s ...  (see pretrain --help)\n",
              runDir.c_str());
}

}  // namespace

int runDemo(const Args& args) {
  ArgParser p = demoParser();
  if (!p.parseOrPrintHelp(args)) return 0;
  const TrainingRunOptions o = demoRunOptions(p);
  if (trainDemoModel(o).stopped) return kExitInterrupted;
  showPredictions(o.runDir);
  return 0;
}

}  // namespace pretrain::cli
