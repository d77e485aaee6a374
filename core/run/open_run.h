#pragma once
// Opening an existing run folder, to go on training it or to ask its model: both check that the
// tokenizer in the folder is the one the run was trained with, and read the latest checkpoint.
// No LibTorch here.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "run/run_folder.h"
#include "train/train_config.h"

namespace pretrain {

struct ModelConfig;
class LanguageModel;
class Predictor;
class ProcessGroup;
class Tokenizer;
class Trainer;

/// The run's tokenizer; throws InputError when it is not the one `config` was trained with.
std::shared_ptr<const Tokenizer> loadRunTokenizer(const RunFolder& run, const RunConfig& config);

/// Throws InputError when training `model` with `train` needs more memory than the machine has free
/// (saying how much more), before anything is allocated.
void checkTrainingMemory(const ModelConfig& model, const TrainConfig& train);

/// What going on with a run may change: the settings whose row (train_settings.h) is not OnResume::Fixed,
/// nothing that changes what it learns. Everything else is the run's.
struct RunChanges {
  TrainConfig values;                 ///< Where the changed settings are read from.
  std::vector<std::string> settings;  ///< Their names (flags): e.g. {"steps", "threads"}.
};

/// The trainer of an existing run, at its latest checkpoint (step 0 when it has none), with `changes`
/// (those of OnResume::Changes written to the run's config, by rank 0 only). Throws std::logic_error for a
/// change of a setting that is OnResume::Fixed. With a process `group`, one of its
/// members. Throws InputError for a missing or damaged run or checkpoint, and for a run whose checkpoints
/// are of format 1 (saying how to convert it).
std::unique_ptr<Trainer> openRunTrainer(const std::string& runDir, const RunChanges& changes = {},
                                        const std::function<void(const std::string&)>& onNote = {},
                                        std::shared_ptr<ProcessGroup> group = nullptr);

/// A run's model as one checkpoint holds it, in evaluation mode, with what it was trained with.
struct RunModel {
  std::shared_ptr<LanguageModel> model;
  std::shared_ptr<const Tokenizer> tokenizer;
  RunConfig config;
  std::string checkpoint;  ///< The file read.
  bool snapshot = false;   ///< It is a snapshot (bf16 weights), not a checkpoint.
  int64_t step = 0, tokensSeen = 0;
};

/// openRunModel's step for the newest weights a run kept, what the studio shows: its latest checkpoint, or
/// when it has none (a run stopped before its first save), its newest snapshot. Exporting and fine-tuning
/// take a checkpoint (step -1) or a step named.
constexpr int64_t kNewestKept = -2;

/// The model of the run at `step` (-1: its latest checkpoint; kNewestKept, above): that step's checkpoint
/// where one is kept, else its snapshot (bf16 weights, train/snapshot_schedule.h).
/// `tokenizer`: the run's, already loaded (checked against the run's config), so that reading many steps
/// loads it once. `into`: a model of this run that nothing else uses, to read the weights into instead of
/// making a new one (a new model's random initialisation is most of a small model's load time); on failure
/// its weights are undefined. Throws InputError: no run, no checkpoint (or nothing of that step, naming the
/// steps there are), a damaged or mismatched file.
RunModel openRunModel(const std::string& runDir, int64_t step = -1,
                      std::shared_ptr<const Tokenizer> tokenizer = nullptr,
                      std::shared_ptr<LanguageModel> into = nullptr);

/// The run's model at `step` (openRunModel), for predictions. Throws InputError (no run, no checkpoint,
/// damaged or mismatched checkpoint).
std::unique_ptr<Predictor> openRunPredictor(const std::string& runDir, int64_t step = -1);

}  // namespace pretrain
