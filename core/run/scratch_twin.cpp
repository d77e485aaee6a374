#include "run/scratch_twin.h"

#include "run/run_folder.h"
#include "util/error.h"

namespace pretrain {

TrainingRunOptions scratchTwinOptions(const std::string& fineTuned, const std::string& outDir) {
  const RunFolder run(fineTuned);
  const RunConfig config = run.readConfig();
  if (!config.initFrom)
    throw InputError(fineTuned +
                     " was trained from random weights, not fine-tuned from another run: it has "
                     "no twin from scratch to train");
  TrainingRunOptions o;
  o.runDir = outDir;
  o.corpus.inputs = config.corpus;
  o.corpus.encoding = parseTextEncoding(config.encoding);
  o.preparedData = run.dataDir();  // Its tokenizer and token store: the same tokens, the same losses' units.
  o.model = config.model;
  o.preset = config.preset;
  o.train = config.train;
  o.train.freezeEmbeddings = false;
  o.train.freezeBlocks = 0;
  // From scratch as the parent went from scratch; a parent that could not be read keeps the defaults.
  TrainConfig scratch;
  try {
    scratch = RunFolder(config.initFrom->run).readConfig().train;
  } catch (const Error&) {
  }
  o.train.lr = scratch.lr;
  o.train.warmup = scratch.warmup;
  o.probes = run.readProbes();
  return o;
}

}  // namespace pretrain
