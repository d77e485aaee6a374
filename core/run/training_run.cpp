#include "run/training_run.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

#include "data/token_store.h"
#include "infer/predictor.h"
#include "tokenizer/tokenizer.h"
#include "run/open_run.h"
#include "run/run_folder.h"
#include "util/system_memory.h"

namespace fs = std::filesystem;

namespace pretrain {
namespace {

std::string gigabytes(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f GB", bytes / 1e9);
  return buf;
}

void checkMemory(const ModelConfig& m, const TrainConfig& t) {
  const uint64_t need = m.trainingMemoryBytes(t.batch, t.precision == "bf16");
  const uint64_t have = availableMemoryBytes();
  if (have > 0 && need > have)
    throw InputError("this model and batch need about " + gigabytes(double(need)) + " to train but " +
                     gigabytes(double(have)) + " is available (" + gigabytes(double(need - have)) +
                     " short); use a smaller batch, context or model");
}

// Creates the run: data, config.json, a fresh trainer.
std::unique_ptr<Trainer> startRun(const TrainingRunOptions& o, const RunFolder& run,
                                  const TrainingRunCallbacks& cb) {
  if (run.hasRun())
    throw InputError(run.dir() + " already holds a run; continue it with --resume or choose another folder");
  o.train.validate();
  if (!o.preparedData.empty()) reusePreparedData(o.preparedData, run.dataDir());
  const TokenizeResult data = tokenizeCorpus(o.corpus, run.dataDir(), o.tokenize, cb.dataProgress);
  RunConfig config;
  config.model = o.model;
  config.model.vocabSize = data.manifest.vocabSize;
  config.model.validate();
  checkMemory(config.model, o.train);
  config.train = o.train;
  config.preset = o.preset;
  config.corpus = o.corpus.inputs;
  config.encoding = textEncodingName(o.corpus.encoding);
  config.tokenizerHash = data.manifest.tokenizerHash;
  auto tokenizer = Tokenizer::load(tokenizerModelPath(run.dataDir()));
  auto store = std::make_shared<const TokenStore>(tokenStoreDir(run.dataDir()));
  auto trainer = std::make_unique<Trainer>(config.model, config.train, store, tokenizer);
  run.writeConfig(config);
  std::error_code ec;
  fs::remove(run.metricsPath(), ec);
  return trainer;
}

}  // namespace

TrainingRunSummary runTraining(const TrainingRunOptions& o, const TrainingRunCallbacks& cb) {
  const RunFolder run(o.runDir);
  std::unique_ptr<Trainer> trainer =
      o.resume ? openRunTrainer(o.runDir, o.resumeSteps, cb.onNote) : startRun(o, run, cb);
  if (o.resume) run.truncateHistoryAfter(trainer->stepsDone());
  if (!o.probes.empty()) run.writeProbes(o.probes);
  std::vector<Probe> probes = run.readProbes();
  // Probe results at each evaluation, read from the live model between steps.
  auto evaluateProbesNow = [&] {
    if (cb.probes) {
      std::vector<Probe> now = cb.probes();
      if (now != probes) run.writeProbes(probes = std::move(now));
    }
    if (probes.empty()) return;
    const Predictor predictor(trainer->model(), trainer->tokenizer());
    const std::vector<ProbeResult> results = evaluateProbes(predictor, probes, trainer->stepsDone());
    run.appendProbeResults(results);
    if (cb.onProbes) cb.onProbes(results);
  };
  if (cb.onReady) cb.onReady(*trainer);
  const TrainConfig& tc = trainer->trainConfig();
  fs::create_directories(run.checkpointsDir());

  TrainingRunSummary summary;
  summary.startStep = trainer->stepsDone();
  summary.compute = trainer->computeDescription();
  int64_t savedStep = run.latestCheckpoint().empty() ? -1 : trainer->stepsDone();
  auto save = [&] {
    savedStep = trainer->stepsDone();
    summary.checkpoint = run.checkpointPath(trainer->stepsDone());
    trainer->saveCheckpoint(summary.checkpoint);
    run.pruneCheckpoints(tc.keepCheckpoints);
    if (cb.onNote) cb.onNote("checkpoint " + summary.checkpoint);
  };

  while (!trainer->finished()) {
    RunCommand command = cb.control ? cb.control() : RunCommand::Continue;
    while (command == RunCommand::Pause || command == RunCommand::SaveCheckpoint) {
      if (command == RunCommand::SaveCheckpoint) {
        if (savedStep != trainer->stepsDone()) save();
      } else {  // Paused: everything stays in memory.
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      command = cb.control();
    }
    if (command == RunCommand::Stop) {
      summary.stopped = true;
      break;
    }
    const StepMetrics step = trainer->step();
    if (step.skipped && cb.onNote)
      cb.onNote("step " + std::to_string(step.step) + " skipped: the loss or gradient was not finite");
    const bool evalNow = step.step % tc.evalEvery == 0 || trainer->finished();
    EvalMetrics eval;
    if (evalNow) {
      eval = trainer->evaluate();
      summary.evaluated = true;
      summary.lastEval = eval;
    }
    run.appendMetrics(step, evalNow ? &eval : nullptr);
    if (cb.onStep) cb.onStep(step);
    if (evalNow && cb.onEval) cb.onEval(eval);
    if (evalNow) evaluateProbesNow();
    if (step.step % tc.saveEvery == 0 && !trainer->finished()) save();
  }
  // A checkpoint at the end and at a stop, unless this step already has one.
  if (savedStep != trainer->stepsDone()) save();
  summary.endStep = trainer->stepsDone();
  return summary;
}

}  // namespace pretrain
