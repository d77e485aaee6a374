#pragma once
// The step-wise trainer that both `pretrain train` and the GUI's worker thread drive. It owns the model,
// the AdamW optimizer, the schedule, the batch sampler and the random state, and can save and restore all
// of them, so a run stopped at any step and resumed continues exactly as if it had never stopped.
// No LibTorch in this header: the GUI includes it.

#include <cstdint>
#include <limits>
#include <memory>
#include <string>

#include "data/token_store.h"
#include "model/model_config.h"
#include "train/train_config.h"
#include "util/error.h"
#include "util/progress.h"

namespace pretrain {

class LanguageModel;
class ProcessGroup;
class Tokenizer;

/// Training cannot go on (three non-finite steps in a row); the message says what to change.
class TrainingError : public Error {
 public:
  using Error::Error;
};

struct StepMetrics {
  int64_t step = 0;      ///< Steps done, this one included.
  double trainLoss = 0;  ///< Mean over the step's micro-batches (masked positions only, for MLM).
  double lr = 0;
  double gradNorm = 0;  ///< Before clipping.
  double tokensPerSecond = 0;
  double elapsedSeconds = 0;  ///< Training time of the run so far, across resumes.
  uint64_t tokensSeen = 0;
  bool skipped = false;  ///< Non-finite loss or gradient: the update was not applied.
  /// Of the step's time, the part spent summing gradients over a process group (packing, the collectives
  /// and waiting for the slowest process, unpacking); 0 without a group.
  double allReduceSeconds = 0;
};

struct EvalMetrics {
  int64_t step = 0;
  double loss = 0;         ///< Mean cross-entropy in nats per predicted token.
  double perplexity = 0;   ///< exp(loss).
  double bitsPerByte = 0;  ///< loss in bits x predicted tokens / their bytes of text.
  uint64_t tokens = 0;     ///< Predicted tokens evaluated.
  /// Pairs only: the share of outputs predicted whole, every token the model's first choice (so greedy
  /// decoding writes exactly the output and stops); NaN for text.
  double exactMatch = std::numeric_limits<double>::quiet_NaN();
  uint64_t pairs = 0;  ///< Pairs scored (pairs only).
};

class Trainer {
 public:
  /// A fresh model initialised from config.seed. Throws InputError for impossible settings or too little
  /// data. With a process `group`, one of its data-parallel processes: each takes its share (config.batch
  /// rows) of every global batch (config.batch x the group's size) drawn from one stream, gradients and
  /// losses are summed over the group, evaluation is shared out, and every process keeps the same weights.
  Trainer(const ModelConfig& model, const TrainConfig& config, std::shared_ptr<const TokenStore> store,
          std::shared_ptr<const Tokenizer> tokenizer, std::shared_ptr<ProcessGroup> group = nullptr);
  ~Trainer();

  /// One optimizer step (config.accum micro-batches). Throws TrainingError after three non-finite steps in a
  /// row. Call from one thread only (the thread sets its compute threads and autocast on first use).
  StepMetrics step();
  /// Validation loss on the run's fixed validation windows.
  EvalMetrics evaluate();
  /// Loss on up to `windows` fixed windows of `split` of another store made with the same tokenizer
  /// (`pretrain eval --corpus`), reporting windows done to `progress` (Cancelled when it returns false).
  /// Throws InputError for a store of another tokenizer.
  EvalMetrics evaluate(const std::shared_ptr<const TokenStore>& store, TokenSplit split, int windows,
                       const ProgressFn& progress = {});

  int64_t stepsDone() const;
  /// Parameters the run keeps as they are (TrainConfig::freezeEmbeddings, freezeBlocks).
  int64_t frozenParameters() const;
  bool finished() const;
  const ModelConfig& modelConfig() const;
  const TrainConfig& trainConfig() const;
  /// Changes the run's total (resuming with a new --steps); the schedule follows it.
  void setTotalSteps(int64_t steps);
  std::string computeDescription() const;

  /// Writes everything needed to continue exactly (atomic: temporary file, then rename).
  void saveCheckpoint(const std::string& path) const;
  /// Writes the model's weights alone, in bf16, for the timeline (a run's snapshots/; atomic).
  void saveSnapshot(const std::string& path) const;
  /// Restores a checkpoint. Throws InputError for a damaged file or one made with another tokenizer,
  /// model shape or format version, saying which.
  void loadCheckpoint(const std::string& path);
  /// Starts from another model's weights (fine-tuning from a pre-trained run); the optimizer and schedule
  /// stay fresh. Throws InputError when the shapes differ, naming the first that does.
  void copyWeightsFrom(LanguageModel& source);
  /// Restores a format-1 checkpoint (step-N.pt) with LibTorch's own reader, which runs what the file
  /// describes: only for converting a run its owner trusts (upgrade_run.h).
  void loadLegacyCheckpoint(const std::string& path);

  /// The token store the run trains on.
  std::shared_ptr<const TokenStore> storeShared() const;
  std::shared_ptr<const Tokenizer> tokenizer() const;
  /// The live model (for tests and the trainer's own use).
  std::shared_ptr<LanguageModel> model() const;
  /// A hash of every parameter's bytes: a data-parallel group's processes hold the same weights when their
  /// digests are equal.
  std::string parameterDigest() const;
  /// A copy of the current weights for inference, which may run on another thread while training goes on.
  std::shared_ptr<LanguageModel> snapshot() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> d;
};

}  // namespace pretrain
