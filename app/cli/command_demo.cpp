// pretrain demo: the README's headless main job. A short next-word training run on the sample corpus,
// then what the model predicts for a few prompts. Re-running it reuses the finished run.
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli/arg_parser.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/interrupt.h"
#include "cli/progress_line.h"
#include "infer/predictor.h"
#include "run/open_run.h"
#include "run/run_folder.h"
#include "run/training_run.h"

namespace pretrain::cli {
namespace {

const char* kPrompts[] = {"I love to eat pizza with", "The jury said that the", "He walked into the"};
const char* kMasked[] = {"The quick [MASK] fox jumps over the lazy dog.",
                         "She [MASK] the door and went out."};

}  // namespace

int runDemo(const Args& args) {
  ArgParser p(
      "pretrain demo [--corpus PATH] [--out RUN_DIR] [--steps N]",
      "Trains a small next-word model on the sample corpus for about a minute (or reuses the finished\n"
      "run), then shows its next-word and masked-word predictions.");
  p.option("corpus", "PATH", "corpus to train on", "data/brown");
  p.option("out", "RUN_DIR", "run folder", "data/runs/demo");
  p.option("steps", "N", "training steps (about a minute on 2 cores)", "240");
  if (!p.parseOrPrintHelp(args)) return 0;
  TrainingRunOptions o;
  o.runDir = p.value("out");
  const RunFolder run(o.runDir);
  o.resume = run.hasRun();
  o.corpus.inputs = {p.value("corpus")};
  o.preset = "tiny";
  o.model = ModelConfig::preset("tiny", Objective::Causal, 8000);
  o.model.context = 64;  // Shorter windows: more steps in the minute, and Brown's sentences are short.
  o.train.steps = p.integer("steps", 1, 1 << 30);
  o.train.batch = 16;
  o.train.lr = 2e-3;
  o.train.warmup = 20;
  o.train.evalEvery = 60;
  o.train.saveEvery = 60;

  ProgressLine progress;
  const ProgressFn progressFn = progress.callback();
  TrainingRunCallbacks cb;
  cb.dataProgress = progressFn;
  cb.onStep = [&](const StepMetrics& s) {
    progressFn({"training", uint64_t(s.step), uint64_t(o.train.steps), "steps",
                "loss " + std::to_string(s.trainLoss).substr(0, 5) + ", " +
                    formatCount(uint64_t(s.tokensPerSecond)) + " tokens/s"});
  };
  cb.control = [] { return interruptRequested() ? RunCommand::Stop : RunCommand::Continue; };
  std::printf("== Training a %s next-word model on %s (run folder %s)\n",
              "tiny (4 layers, width 256, context 64)", o.corpus.inputs[0].c_str(), o.runDir.c_str());
  const TrainingRunSummary r = runTraining(o, cb);
  progress.finish();
  if (r.startStep == r.endStep && !r.stopped)
    std::printf("(already trained: reusing %s; delete it to train again)\n", o.runDir.c_str());
  if (r.evaluated)
    std::printf("validation loss %.3f, perplexity %.1f after %lld steps (%s)\n", r.lastEval.loss,
                r.lastEval.perplexity, static_cast<long long>(r.endStep), r.compute.c_str());
  if (r.stopped) return 130;

  const auto predictor = openRunPredictor(o.runDir);
  std::printf("\n== Next word\n");
  auto print = [](const std::vector<TokenCandidate>& candidates) {
    for (const auto& c : candidates)
      std::printf("    %s %s\n", padRight(candidateLabel(c.text, c.piece), 14).c_str(),
                  formatPercent(c.prob).c_str());
  };
  for (const char* prompt : kPrompts) {
    std::printf("%s ...\n", prompt);
    print(predictor->next(prompt, 5).candidates);
  }
  std::printf("\n== Masked word (ranked by the likelihood of the whole sentence)\n");
  for (const char* text : kMasked) {
    std::printf("%s\n", text);
    print(predictor->fill(text, 5).front().candidates);
  }
  std::printf("\nMore: pretrain next|fill|generate|eval --run %s ...  (see pretrain --help)\n",
              o.runDir.c_str());
  return 0;
}

}  // namespace pretrain::cli
