#pragma once
// Opening an existing run folder, to go on training it or to ask its model: both check that the
// tokenizer in the folder is the one the run was trained with, and read the latest checkpoint.
// No LibTorch here.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace pretrain {

struct ModelConfig;
struct RunConfig;
struct TrainConfig;
class Predictor;
class ProcessGroup;
class RunFolder;
class Tokenizer;
class Trainer;

/// The run's tokenizer; throws InputError when it is not the one `config` was trained with.
std::shared_ptr<const Tokenizer> loadRunTokenizer(const RunFolder& run, const RunConfig& config);

/// Throws InputError when training `model` with `train` needs more memory than the machine has free
/// (saying how much more), before anything is allocated.
void checkTrainingMemory(const ModelConfig& model, const TrainConfig& train);

/// What going on with a run may change; everything else is the run's own.
struct RunChanges {
  int64_t totalSteps = 0;  ///< > 0: the run's new length (written to its config)
  int threads = -1;        ///< >= 0: this process's threads (0 = all cores)
};

/// The trainer of an existing run, at its latest checkpoint (step 0 when it has none), with `changes`
/// (written to the run's config by the group's first process only). With a process `group`, one of its
/// members. Throws InputError for a missing or damaged run or checkpoint, and for a run whose checkpoints
/// are of format 1 (saying how to convert it).
std::unique_ptr<Trainer> openRunTrainer(const std::string& runDir, const RunChanges& changes = {},
                                        const std::function<void(const std::string&)>& onNote = {},
                                        std::shared_ptr<ProcessGroup> group = nullptr);

/// The run's model at its latest checkpoint, for predictions. Throws InputError (no run, no checkpoint,
/// damaged or mismatched checkpoint).
std::unique_ptr<Predictor> openRunPredictor(const std::string& runDir);

}  // namespace pretrain
