#include "run/upgrade_run.h"

#include <filesystem>

#include "data/token_store.h"
#include "run/open_run.h"
#include "run/run_folder.h"
#include "run/run_lock.h"
#include "tokenizer/tokenize_corpus.h"
#include "tokenizer/tokenizer.h"
#include "train/legacy_checkpoint.h"
#include "train/trainer.h"
#include "util/error.h"

namespace pretrain {

int upgradeRun(const std::string& runDir, const std::function<void(const std::string&)>& onNote) {
  const RunFolder run(runDir);
  const RunConfig config = run.readConfig();
  const std::vector<std::string> legacy = run.legacyCheckpoints();
  if (legacy.empty())
    throw InputError("run " + runDir +
                     " has no checkpoints of the earlier format; there is nothing to convert");
  const RunWriterLock lock(runDir);
  config.model.validate();
  config.train.validate();
  checkTrainingMemory(config.model, config.train);
  auto store = std::make_shared<const TokenStore>(tokenStoreDir(run.dataDir()));
  Trainer trainer(config.model, config.train, store, loadRunTokenizer(run, config));
  int converted = 0;
  for (const std::string& old : legacy) {
    try {
      trainer.loadLegacyCheckpoint(old);
    } catch (const InputError& e) {
      if (onNote) onNote(std::string(e.what()) + "; left as it is");
      continue;
    }
    const std::string now = run.checkpointPath(trainer.stepsDone());
    trainer.saveCheckpoint(now);
    trainer.loadCheckpoint(now);  // Read back whole (checksum, every tensor) before the old one goes.
    std::error_code ec;
    std::filesystem::remove(old, ec);
    std::filesystem::remove(legacyDigestPath(old), ec);
    ++converted;
    if (onNote) onNote("converted " + old + " to " + now);
  }
  if (converted == 0) throw InputError("none of the checkpoints of run " + runDir + " could be read");
  return converted;
}

}  // namespace pretrain
