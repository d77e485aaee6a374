#include "run/open_run.h"

#include <torch/torch.h>

#include "compute/process_group.h"
#include "data/token_store.h"
#include "infer/predictor.h"
#include "model/language_model.h"
#include "run/run_folder.h"
#include "tokenizer/tokenize_corpus.h"
#include "tokenizer/tokenizer.h"
#include "train/checkpoint.h"
#include "train/trainer.h"
#include "util/error.h"

namespace pretrain {
namespace {

std::shared_ptr<const Tokenizer> runTokenizer(const RunFolder& run, const RunConfig& config) {
  auto tokenizer = Tokenizer::load(tokenizerModelPath(run.dataDir()));
  if (tokenizer->hash() != config.tokenizerHash)
    throw InputError("the tokenizer in " + run.dataDir() + " is not the one this run was trained with");
  return tokenizer;
}

}  // namespace

std::unique_ptr<Trainer> openRunTrainer(const std::string& runDir, const RunChanges& changes,
                                        const std::function<void(const std::string&)>& onNote,
                                        std::shared_ptr<ProcessGroup> group) {
  const bool writer = !group || group->rank() == 0;
  const RunFolder run(runDir);
  RunConfig config = run.readConfig();
  const bool changed = changes.totalSteps > 0 || changes.threads >= 0;
  if (changes.totalSteps > 0) config.train.steps = changes.totalSteps;
  if (changes.threads >= 0) config.train.threads = changes.threads;
  auto tokenizer = runTokenizer(run, config);
  auto store = std::make_shared<const TokenStore>(tokenStoreDir(run.dataDir()));
  auto trainer = std::make_unique<Trainer>(config.model, config.train, store, tokenizer, std::move(group));
  const std::string checkpoint = run.latestCheckpoint();
  if (!checkpoint.empty()) {
    trainer->loadCheckpoint(checkpoint);
    if (onNote) onNote("resumed from " + checkpoint + " at step " + std::to_string(trainer->stepsDone()));
  }
  if (changed && writer) run.writeConfig(config);
  return trainer;
}

std::unique_ptr<Predictor> openRunPredictor(const std::string& runDir) {
  const RunFolder run(runDir);
  const RunConfig config = run.readConfig();
  auto tokenizer = runTokenizer(run, config);
  const std::string checkpoint = run.latestCheckpoint();
  if (checkpoint.empty()) throw InputError("run " + runDir + " has no checkpoint yet; train it first");
  auto model = makeModel(config.model);
  torch::serialize::InputArchive archive =
      openCheckpoint(checkpoint, torch::kCPU, tokenizer->hash(), config.model.toJson());
  try {
    torch::serialize::InputArchive weights;
    archive.read("model", weights);
    model->load(weights);
  } catch (const c10::Error&) {
    throw InputError("checkpoint " + checkpoint + " is damaged (its weights cannot be read)");
  }
  return std::make_unique<Predictor>(model, tokenizer);
}

}  // namespace pretrain
