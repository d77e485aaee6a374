#pragma once
// A whole training run around the step-wise Trainer: prepares the data, starts or resumes, steps with pause
// and stop honoured between steps, evaluates, logs metrics and writes checkpoints. `pretrain train` and
// the GUI's worker both call runTraining(); it blocks, so the GUI runs it on a worker thread.
// No LibTorch in this header.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "infer/probe.h"
#include "model/model_config.h"
#include "run/open_run.h"
#include "tokenizer/tokenize_corpus.h"
#include "train/train_config.h"
#include "train/trainer.h"
#include "util/progress.h"

namespace pretrain {

class ProcessGroup;

/// What the driver does between two steps: go on, wait (everything stays in memory), stop with a
/// checkpoint, or write a checkpoint now and go on.
enum class RunCommand { Continue, Pause, Stop, SaveCheckpoint };

struct TrainingRunOptions {
  std::string runDir;
  bool resume = false;       // continue the run in runDir from its latest checkpoint
  RunChanges resumeChanges;  // with resume: e.g. a new total number of steps, this process's threads
  // New runs only:
  CorpusSpec corpus;
  TokenizeOptions tokenize;
  std::string
      preparedData;   // a folder tokenizeCorpus() wrote for this corpus (the studio's Data page), reused
  ModelConfig model;  // vocabSize is taken from the tokenizer
  // Fine-tuning: start from this run's weights (at initStep; < 0: its latest checkpoint), with its tokenizer
  // and model (`model` and the tokenizer settings are then unused), a fresh optimizer and schedule, and its
  // probes unless `probes` names others.
  std::string initFrom;
  int64_t initStep = -1;
  std::string preset;  // recorded in config.json
  TrainConfig train;
  // New and resumed runs: probes to watch (replacing the run's list when not empty).
  std::vector<Probe> probes;
  // One process of a data-parallel run (train/trainer.h), or none. Rank 0 of the group prepares the
  // data and writes the run folder (config, metrics, probes, checkpoints) while the other ranks wait and then
  // only train; every process loads the same checkpoint on resume. A stop asked of any process stops all of
  // them after the same step; pausing and checkpoints on request are the studio's, not a group's.
  std::shared_ptr<ProcessGroup> group;
};

struct TrainingRunCallbacks {
  ProgressFn dataProgress;  // tokenizing the corpus
  std::function<void(const StepMetrics&)> onStep;
  std::function<void(const EvalMetrics&)> onEval;
  std::function<void(const std::string&)> onNote;  // resumed, checkpoint written, step skipped, ...
  std::function<RunCommand()> control;             // asked between steps
  std::function<void(Trainer&)> onReady;           // the trainer exists (e.g. to take snapshots)
  // Asked at each evaluation: the probes to watch now (the studio pins new ones while a run goes on).
  std::function<std::vector<Probe>()> probes;
  std::function<void(const std::vector<ProbeResult>&)> onProbes;  // each evaluation's probe results
};

struct TrainingRunSummary {
  int64_t startStep = 0, endStep = 0;
  bool stopped = false;    // stopped on request before the last step
  std::string checkpoint;  // the last one written, or the one a resumed run continued from
  bool evaluated = false;
  EvalMetrics lastEval;
  std::string compute;          // e.g. "cpu, bf16 autocast, 2 threads"
  std::string parameterDigest;  // with a process group: Trainer::parameterDigest() at the end
};

/// Throws InputError (bad settings, corpus, run folder or checkpoint), TrainingError (divergence; the last
/// good checkpoint is kept), Cancelled (data preparation cancelled), IoError.
TrainingRunSummary runTraining(const TrainingRunOptions& options, const TrainingRunCallbacks& callbacks);

}  // namespace pretrain
