#include "run/scratch_twin.h"

#include "run/run_folder.h"
#include "util/error.h"

namespace pretrain {
namespace {
// A chain of fine-tuned runs longer than this is more likely a loop of moved folders than real.
constexpr int kMaxAncestors = 64;
}  // namespace

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
  // From scratch as the first run of the chain (the parent, or its parent's parent...) went from scratch.
  RunConfig root = config;
  for (int hops = 0; root.initFrom; ++hops) {
    if (hops == kMaxAncestors)
      throw InputError(fineTuned + " descends from more than " + std::to_string(kMaxAncestors) +
                       " fine-tuned runs; train its twin by hand");
    const std::string parent = root.initFrom->run;
    try {
      root = RunFolder(parent).readConfig();
    } catch (const Error& e) {
      throw InputError("the twin learns at the rate " + parent + " was trained with from scratch, but " +
                       parent + " cannot be read: " + e.what());
    }
  }
  o.train.lr = root.train.lr;
  o.train.warmup = root.train.warmup;
  o.train.lrFloor = root.train.lrFloor;
  o.probes = run.readProbes();
  return o;
}

}  // namespace pretrain
