#include "settings/train_options.h"

#include "run/scratch_twin.h"
#include "run/train_flags.h"
#include "settings/config_file.h"
#include "train/train_settings.h"
#include "util/exact_number.h"

namespace pretrain {
namespace {

// The MLP's width over the model's, as in every preset (ModelConfig::preset) and GPT-2.
constexpr int kMlpWidthPerDim = 4;

// The row's flag as given (or its default) into `t`, within the row's range.
void readSetting(const ArgParser& p, const TrainSetting& s, TrainConfig& t) {
  if (s.isSwitch())
    s.setSwitch(t, p.isSet(s.flag));
  else if (s.isText())
    s.setText(t, p.choice(s.flag, s.choices));
  else if (s.isWhole())
    s.setWhole(t, p.integer(s.flag, static_cast<long long>(s.min), static_cast<long long>(s.max)));
  else
    s.setReal(t, p.number(s.flag, s.min, s.max));
}

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
  p.option("vocab-size", "N", "tokenizer vocabulary size (new runs)", "8000");
  for (const TrainSetting& s : trainSettings()) {
    if (!s.hasFlag()) continue;
    if (s.isSwitch())
      p.flag(s.flag, s.help);
    else
      p.option(s.flag, s.valueName, s.help, s.defaultText());
  }
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
  p.option("probe", "TEXT=>TARGET",
           "watch a fact at each evaluation, e.g. \"I love to eat pizza with=>cheese\" or \"The quick [MASK] "
           "fox=>brown\" (probes.jsonl); repeat for more",
           "", true);
}

// The twin copies its settings from the fine-tuned run; where it trains (threads, device, precision), how
// it saves (the rows a twin may change) and what it watches may still be chosen.
TrainingRunOptions scratchTwinFrom(const ArgParser& p) {
  std::vector<std::string> copied = {"corpus", "init-from", "init-step", "objective", "preset", "layers",
                                     "heads",  "dim",       "context",   "vocab-size"};
  for (const TrainSetting& s : trainSettings())
    if (s.hasFlag() && !s.twinMayChange) copied.push_back(s.flag);
  for (const std::string& name : copied)
    if (p.given(name))
      throw UsageError("--" + name + " cannot be set with --scratch-twin-of: the twin copies " +
                       p.value("scratch-twin-of") + "'s");
  TrainingRunOptions o = scratchTwinOptions(p.value("scratch-twin-of"), p.value("out"));
  for (const TrainSetting& s : trainSettings())
    if (s.hasFlag() && p.given(s.flag)) readSetting(p, s, o.train);
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
  for (const TrainSetting& s : trainSettings())
    if (s.hasFlag()) readSetting(p, s, t);
  // Fine-tuning moves pre-trained weights a little, not from scratch: a lower peak and a short warm-up.
  if (!o.initFrom.empty() && !p.given("lr")) t.lr = kFineTuneLr;
  if (!o.initFrom.empty() && !p.given("warmup")) t.warmup = kFineTuneWarmup;
  t.validate();
  return o;
}

}  // namespace pretrain
