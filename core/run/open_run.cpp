#include "run/open_run.h"

#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "compute/process_group.h"
#include "data/token_store.h"
#include "infer/predictor.h"
#include "model/language_model.h"
#include "run/run_folder.h"
#include "tokenizer/tokenize_corpus.h"
#include "tokenizer/tokenizer.h"
#include "train/checkpoint.h"
#include "train/train_settings.h"
#include "train/trainer.h"
#include "util/error.h"
#include "util/system_memory.h"

namespace pretrain {
namespace {

std::string gigabytes(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f GB", bytes / 1e9);
  return buf;
}

// A run whose checkpoints are all of format 1 is not opened: reading them runs LibTorch's TorchScript
// importer on whatever the folder holds. Its owner converts it once (upgrade_run.h).
void refuseLegacyRun(const RunFolder& run) {
  if (run.checkpoints().empty() && !run.legacyCheckpoints().empty())
    throw InputError("run " + run.dir() +
                     " was saved by an earlier version in LibTorch's archive format, whose reader runs what "
                     "the file describes; if you trust where the run came from, convert it once with: "
                     "pretrain upgrade-run --run " +
                     run.dir());
}

// "save-every 1000 (was 500), ...": what a resume changed of the run's recorded settings.
std::string changedSettings(const TrainConfig& was, const TrainConfig& now) {
  std::string out;
  for (const TrainSetting& s : trainSettings())
    if (s.text(was) != s.text(now))
      out += (out.empty() ? "" : ", ") + s.name() + " " + s.text(now) + " (was " + s.text(was) + ")";
  return out;
}

// `changes` of the rows that are `kind` into `t`.
void apply(const RunChanges& changes, OnResume kind, TrainConfig& t) {
  for (const std::string& name : changes.settings) {
    const TrainSetting& s = trainSetting(name);
    if (s.onResume == OnResume::Fixed) throw std::logic_error(name + " cannot change when a run goes on");
    if (s.onResume == kind) s.copy(changes.values, t);
  }
}

}  // namespace

std::shared_ptr<const Tokenizer> loadRunTokenizer(const RunFolder& run, const RunConfig& config) {
  auto tokenizer = Tokenizer::load(tokenizerModelPath(run.dataDir()));
  if (tokenizer->hash() != config.tokenizerHash)
    throw InputError("the tokenizer in " + run.dataDir() + " is not the one this run was trained with");
  return tokenizer;
}

void checkTrainingMemory(const ModelConfig& m, const TrainConfig& t) {
  const uint64_t need = m.trainingMemoryBytes(t.batch, t.precision == "bf16");
  const uint64_t have = availableMemoryBytes();
  if (have > 0 && need > have)
    throw InputError("this model and batch need about " + gigabytes(double(need)) + " to train but " +
                     gigabytes(double(have)) + " is available (" + gigabytes(double(need - have)) +
                     " short); use a smaller batch, context or model");
}

std::unique_ptr<Trainer> openRunTrainer(const std::string& runDir, const RunChanges& changes,
                                        const std::function<void(const std::string&)>& onNote,
                                        std::shared_ptr<ProcessGroup> group) {
  const bool writer = !group || group->rank() == 0, alone = !group;
  const RunFolder run(runDir);
  RunConfig config = run.readConfig();
  refuseLegacyRun(run);
  TrainConfig& t = config.train;
  const TrainConfig before = t;
  apply(changes, OnResume::Changes, t);
  const RunConfig saved = config;  // This process's threads and device are its own, not the run's.
  apply(changes, OnResume::PerProcess, t);
  // A config.json edited by hand gets the checks a new run gets, before anything is allocated.
  config.model.validate();
  config.train.validate();
  checkTrainingMemory(config.model, config.train);
  auto tokenizer = loadRunTokenizer(run, config);
  auto store = std::make_shared<const TokenStore>(tokenStoreDir(run.dataDir()));
  auto trainer = std::make_unique<Trainer>(config.model, config.train, store, tokenizer, std::move(group));
  // The newest checkpoint that loads: one damaged after it was written (a disk error, a hand edit) is
  // reported and passed over, and only when none loads is the run refused (never started over).
  const std::vector<std::string> checkpoints = run.checkpoints();
  for (auto it = checkpoints.rbegin(); it != checkpoints.rend(); ++it) {
    try {
      trainer->loadCheckpoint(*it);
    } catch (const InputError& e) {
      if (std::next(it) == checkpoints.rend()) throw;
      // Set aside (not deleted: it is evidence), so that nothing else opens it as the latest and pruning
      // does not keep it in place of a good one. A group's processes all try it, so only a lone one moves it.
      std::error_code ec;
      if (alone) std::filesystem::rename(*it, *it + ".damaged", ec);
      if (onNote)
        onNote(std::string(e.what()) + (alone && !ec ? "; set aside as .damaged" : "") +
               "; trying the one before it");
      continue;
    }
    if (onNote) onNote("resumed from " + *it + " at step " + std::to_string(trainer->stepsDone()));
    break;
  }
  // No checkpoint yet (stopped before its first save, or a full disk at it): the run goes again from step
  // 0, the same steps with the same seed, and writes its history afresh as it goes.
  if (checkpoints.empty() && onNote)
    onNote("no checkpoint was kept: training again from step 0 (the same seed takes the same steps)");
  if (writer && saved.train.toJson() != before.toJson()) {
    run.writeConfig(saved);
    if (onNote) onNote("the run's settings from now on: " + changedSettings(before, saved.train));
  }
  return trainer;
}

namespace {

// The file that holds the run's model at `step` (< 0: its latest checkpoint; kNewestKept: that, or its
// newest snapshot when it has none): that step's checkpoint where one is kept, else its snapshot (the
// timeline's, bf16). Throws InputError naming the steps there are.
std::pair<std::string, CheckpointKind> modelFile(const RunFolder& run, int64_t step) {
  const std::vector<std::string> checkpoints = run.checkpoints();
  if (step < 0) {
    if (!checkpoints.empty()) return {checkpoints.back(), CheckpointKind::Checkpoint};
    const std::vector<std::string> snapshots = run.snapshots();
    if (step == kNewestKept && !snapshots.empty()) return {snapshots.back(), CheckpointKind::Snapshot};
    throw InputError("run " + run.dir() + " has no checkpoint yet; train it first");
  }
  const auto has = [](const std::vector<std::string>& files, const std::string& f) {
    return std::find(files.begin(), files.end(), f) != files.end();
  };
  if (has(checkpoints, run.checkpointPath(step)))
    return {run.checkpointPath(step), CheckpointKind::Checkpoint};
  const std::vector<std::string> snapshots = run.snapshots();
  if (has(snapshots, run.snapshotPath(step))) return {run.snapshotPath(step), CheckpointKind::Snapshot};
  const auto steps = [](const std::vector<std::string>& files) {
    std::string list;
    for (const std::string& f : files) list += (list.empty() ? "" : ", ") + std::to_string(stepOfFile(f));
    return list.empty() ? std::string("none") : list;
  };
  throw InputError("run " + run.dir() + " has no checkpoint of step " + std::to_string(step) +
                   "; it keeps steps " + steps(checkpoints) + ", and snapshots of steps " + steps(snapshots));
}

// How often a reader looks again for the latest checkpoint when the one it chose was pruned before it
// could open it (a run that saves every step prunes one a step).
constexpr int kPrunedRetries = 5;

}  // namespace

RunModel openRunModel(const std::string& runDir, int64_t step, std::shared_ptr<const Tokenizer> tokenizer,
                      std::shared_ptr<LanguageModel> into) {
  const RunFolder run(runDir);
  RunModel m;
  m.config = run.readConfig();
  refuseLegacyRun(run);
  if (tokenizer && tokenizer->hash() != m.config.tokenizerHash)
    throw InputError("the tokenizer given is not the one run " + runDir + " was trained with");
  m.tokenizer = tokenizer ? std::move(tokenizer) : loadRunTokenizer(run, m.config);
  // Opened before anything slow: once open, the file stays readable even when the writer prunes it.
  std::unique_ptr<Checkpoint> c;
  for (int attempt = 0; !c; ++attempt) {
    const auto [path, kind] = modelFile(run, step);
    try {
      c = std::make_unique<Checkpoint>(path, m.tokenizer->hash(), m.config.model.toJson(), kind);
      m.checkpoint = path;
      m.snapshot = kind == CheckpointKind::Snapshot;
    } catch (const IoError&) {
      std::error_code ec;
      if (attempt == kPrunedRetries || std::filesystem::exists(path, ec)) throw;
    }
  }
  m.model = into ? std::move(into) : makeModel(m.config.model);
  c->loadModel(*m.model);
  m.model->eval();
  m.step = c->count("step");
  m.tokensSeen = c->count("tokens_seen");
  return m;
}

std::unique_ptr<Predictor> openRunPredictor(const std::string& runDir, int64_t step) {
  RunModel m = openRunModel(runDir, step);
  return std::make_unique<Predictor>(m.model, m.tokenizer);
}

}  // namespace pretrain
