#include "settings/train_options.h"

#include "run/scratch_twin.h"
#include "run/train_flags.h"
#include "settings/config_file.h"

namespace pretrain {
namespace {

// The MLP's width over the model's, as in every preset (ModelConfig::preset) and GPT-2.
constexpr int kMlpWidthPerDim = 4;

}  // namespace

void addTrainOptions(ArgParser& p) {
  p.option(
      "corpus", "PATH",
      "corpus: .txt / .jsonl file or folder; repeat to combine (new runs). A .jsonl of \"input\" and "
      "\"output\" fields is pairs: the loss falls on each output only, and validation reports exact match",
      "", true);
  p.option("out", "RUN_DIR", "the run folder (required, except with --print-config)");
  p.settingsFile("config",
                 "read the settings from FILE: TOML with the flags' names (steps = 300, corpus = "
                 "[\"data/brown\"], whole-word = true), or a run's config.json; flags given here override "
                 "the file's",
                 readConfigFile);
  p.flag("print-config", "print the settings as a --config file (TOML) and exit, training nothing");
  p.option("objective", "clm|mlm", "next-word prediction (GPT-style) or masked words (BERT-style)", "clm");
  p.option("preset", "tiny|small|base|gpt2",
           "model size: tiny 4x256 ctx 128, small 6x384 ctx 256, base 8x512 ctx 256", "tiny");
  p.option("layers", "N", "Transformer blocks (overrides the preset)");
  p.option("heads", "N", "attention heads; must divide --dim (overrides the preset)");
  p.option("dim", "N",
           "model width (overrides the preset; MLP width is " + std::to_string(kMlpWidthPerDim) + "x)");
  p.option("context", "N", "context length in tokens (overrides the preset)");
  p.option("batch", "N", "sequences per micro-batch", "16");
  p.option("accum", "N", "micro-batches per optimizer step", "1");
  p.option("steps", "N", "optimizer steps of the whole run", "1000");
  p.option("lr", "X", "peak learning rate (warmup, then cosine to 10%)", "1e-3");
  p.option("warmup", "N", "warmup steps", "100");
  p.option("seed", "N", "random seed", "1337");
  p.option("threads", "N", "CPU threads; 0 = all cores", "0");
  p.option("device", "cpu|cuda|auto", "where to train", "auto");
  p.option("precision", "fp32|bf16|auto", "bf16 autocast where the hardware is fast at it (auto)", "auto");
  p.option("vocab-size", "N", "tokenizer vocabulary size (new runs)", "8000");
  p.option("eval-every", "N", "steps between validation passes", "100");
  p.option("save-every", "N", "steps between checkpoints", "500");
  p.option("snapshot-every", "N",
           "steps between the timeline's bf16 snapshots of the weights, after steps 0, 1, 2, 4, ... 512",
           "500");
  p.option("snapshot-budget-mb", "MB", "disk space the snapshots may take; 0 = keep none", "1024");
  p.option("mask-rate", "X", "masked objective: share of tokens to predict", "0.15");
  p.flag("whole-word", "masked objective: mask whole words");
  p.option("init-from", "RUN_DIR",
           "fine-tune: start from this run's weights, tokenizer and model shape (its latest checkpoint, or "
           "--init-step), with a fresh optimizer; then --lr defaults to " +
               exactNumber(kFineTuneLr) + " and --warmup to " + std::to_string(kFineTuneWarmup));
  p.option(
      "scratch-twin-of", "RUN_DIR",
      "train a fine-tuned run's twin from random weights: its corpus, tokenizer, model, steps, seed and "
      "evaluation, at its parent's pre-training learning rate and warm-up; then `pretrain compare` races "
      "the two to a loss");
  p.option("init-step", "N",
           "with --init-from: the step of that run to start from (a checkpoint's or a snapshot's)");
  p.flag("freeze-embeddings",
         "keep the token and position embeddings as they are (and so the output layer, which shares the "
         "token embedding's weights): for fine-tuning");
  p.option("freeze-blocks", "K", "keep the first K Transformer blocks as they are: for fine-tuning", "0");
  p.option("probe", "TEXT=>TARGET",
           "watch a fact at each evaluation, e.g. \"I love to eat pizza with=>cheese\" or \"The quick [MASK] "
           "fox=>brown\" (probes.jsonl); repeat for more",
           "", true);
}

// The twin copies its settings from the fine-tuned run; where it trains (threads, device, precision), how
// it saves and what it watches may still be chosen.
TrainingRunOptions scratchTwinFrom(const ArgParser& p) {
  for (const char* copied : {"corpus",       "init-from",  "init-step", "objective",  "preset",
                             "layers",       "heads",      "dim",       "context",    "vocab-size",
                             "batch",        "accum",      "steps",     "lr",         "warmup",
                             "seed",         "eval-every", "mask-rate", "whole-word", "freeze-embeddings",
                             "freeze-blocks"})
    if (p.given(copied))
      throw UsageError("--" + std::string(copied) +
                       " cannot be set with --scratch-twin-of: the twin copies " +
                       p.value("scratch-twin-of") + "'s");
  TrainingRunOptions o = scratchTwinOptions(p.value("scratch-twin-of"), p.value("out"));
  if (p.given("threads")) o.train.threads = int(p.integer("threads", 0, 1024));
  if (p.given("device")) o.train.device = p.value("device");
  if (p.given("precision")) o.train.precision = p.value("precision");
  if (p.given("save-every")) o.train.saveEvery = p.integer("save-every", 1, 1LL << 40);
  if (p.given("snapshot-every")) o.train.snapshotEvery = p.integer("snapshot-every", 1, 1LL << 40);
  if (p.given("snapshot-budget-mb")) o.train.snapshotBudgetMb = p.integer("snapshot-budget-mb", 0, 1LL << 30);
  if (p.given("probe")) o.probes.clear();  // Others than the fine-tuned run's.
  for (const std::string& spec : p.values("probe")) o.probes.push_back(parseProbe(spec));
  o.train.validate();
  return o;
}

TrainingRunOptions trainOptionsFrom(const ArgParser& p) {
  if (p.given("scratch-twin-of")) return scratchTwinFrom(p);
  TrainingRunOptions o;
  o.runDir = p.value("out");
  if (p.given("init-from")) {
    o.initFrom = p.value("init-from");
    for (const char* shape : {"objective", "preset", "layers", "heads", "dim", "context", "vocab-size"})
      if (p.given(shape))
        throw UsageError("--" + std::string(shape) +
                         " cannot be set with --init-from: the model and its "
                         "tokenizer are those of " +
                         o.initFrom);
  }
  if (p.given("init-step")) o.initStep = p.integer("init-step", 0, 1LL << 40);
  for (const std::string& spec : p.values("probe")) o.probes.push_back(parseProbe(spec));
  o.corpus.inputs = p.values("corpus");
  o.tokenize.tokenizer.vocabSize = int(p.integer("vocab-size", 1, 1 << 24));
  o.tokenize.vocabSizeGiven = p.given("vocab-size");
  o.preset = p.value("preset");
  o.model =
      ModelConfig::preset(o.preset, parseObjective(p.value("objective")), o.tokenize.tokenizer.vocabSize);
  if (p.given("layers")) o.model.layers = int(p.integer("layers", 1, 256));
  if (p.given("heads")) o.model.heads = int(p.integer("heads", 1, 1024));
  if (p.given("dim")) {
    o.model.dim = int(p.integer("dim", 1, 16384));
    o.model.mlpDim = kMlpWidthPerDim * o.model.dim;
  }
  if (p.given("context")) o.model.context = int(p.integer("context", 2, 65536));
  if (p.given("layers") || p.given("heads") || p.given("dim") || p.given("context")) o.preset += "+custom";
  o.model.validate();
  TrainConfig& t = o.train;
  t.batch = int(p.integer("batch", 1, 1 << 20));
  t.accum = int(p.integer("accum", 1, 1 << 20));
  t.steps = p.integer("steps", 1, 1LL << 40);
  // Fine-tuning moves pre-trained weights a little, not from scratch: a lower peak and a short warm-up.
  const bool fineTune = !o.initFrom.empty();
  t.lr = fineTune && !p.given("lr") ? kFineTuneLr : p.number("lr", 1e-8, 10);
  t.warmup = fineTune && !p.given("warmup") ? kFineTuneWarmup : p.integer("warmup", 0, 1LL << 40);
  t.seed = uint64_t(p.integer("seed", 0, 1LL << 62));
  t.threads = int(p.integer("threads", 0, 1024));
  t.device = p.value("device");
  t.precision = p.value("precision");
  t.evalEvery = p.integer("eval-every", 1, 1LL << 40);
  t.saveEvery = p.integer("save-every", 1, 1LL << 40);
  t.snapshotEvery = p.integer("snapshot-every", 1, 1LL << 40);
  t.snapshotBudgetMb = p.integer("snapshot-budget-mb", 0, 1LL << 30);
  t.masking.rate = p.number("mask-rate", 0.01, 0.99);
  t.masking.wholeWord = p.isSet("whole-word");
  t.freezeEmbeddings = p.isSet("freeze-embeddings");
  t.freezeBlocks = int(p.integer("freeze-blocks", 0, 256));
  t.validate();
  return o;
}

}  // namespace pretrain
