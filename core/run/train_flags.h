#pragma once
// A run's settings as `pretrain train` spells them: the flags that start it. One list, three forms: a config
// file (TOML, `pretrain train --config`), a command line (the studio's "Copy command"), and what a run's
// config.json holds read back as settings. No LibTorch here.

#include <string>
#include <vector>

#include "infer/probe.h"
#include "run/run_folder.h"
#include "run/training_run.h"

namespace pretrain {

/// One setting: the flag's name (without "--") and its value, or values for a list.
struct TrainFlag {
  enum class Kind { Text, Number, Switch, List };
  std::string name;
  Kind kind = Kind::Text;
  std::vector<std::string> values;  ///< One value ("true"/"false" for a switch), except lists.
};

/// The run that `options` describe, as its config.json would hold it (the tokenizer's hash aside, and a
/// parent's step of -1 for its latest).
RunConfig runConfigOf(const TrainingRunOptions& options);

/// ToStart: the flags that start a run, and no more (a preset model's shape is its preset's; a fine-tuned
/// model is its parent's). Every: each setting the run fixes, as a flag would set it (to compare one run
/// with another, or with a command line).
enum class FlagSet { ToStart, Every };

/// The flags of the run `config` describes, with `probes` to watch. A fine-tuned run (config.initFrom)
/// names its parent and step; to start it, instead of the model. The training settings are the rows of
/// train_settings.h that have a flag; those without one keep their defaults.
std::vector<TrainFlag> trainFlags(const RunConfig& config, const std::vector<Probe>& probes = {},
                                  FlagSet set = FlagSet::ToStart);

/// Whether `model` has the shape of `preset` (false for a name that is not one).
bool hasPresetShape(const ModelConfig& model, const std::string& preset);

/// The flags as a TOML config file, one `name = value` per line.
std::string tomlOf(const std::vector<TrainFlag>& flags);

/// The flags as one shell command line: `pretrain train --corpus ... --out OUT` (quoted where needed).
std::string commandLineOf(const std::vector<TrainFlag>& flags, const std::string& out);

/// The same run as `processes` data-parallel processes on this machine, started by torchrun (README): each
/// process takes batch / processes rows (the global batch unchanged) where that divides evenly.
std::string torchrunCommandLineOf(std::vector<TrainFlag> flags, const std::string& out, int processes);

}  // namespace pretrain
