#include "run/train_flags.h"

#include <cstdio>
#include <cstdlib>

#include "train/train_settings.h"
#include "util/error.h"

namespace pretrain {
namespace {

TrainFlag text(const std::string& name, const std::string& v) { return {name, TrainFlag::Kind::Text, {v}}; }
TrainFlag integer(const std::string& name, long long v) {
  return {name, TrainFlag::Kind::Number, {std::to_string(v)}};
}
TrainFlag flagOf(const TrainSetting& s, const TrainConfig& t) {
  const TrainFlag::Kind kind = s.isSwitch() ? TrainFlag::Kind::Switch
                               : s.isText() ? TrainFlag::Kind::Text
                                            : TrainFlag::Kind::Number;
  return {s.flag, kind, {s.text(t)}};
}

// The model's flags: its preset, and its shape too when it was set by hand ("tiny+custom", or a shape
// other than the preset's) or when every setting is asked for.
void addModel(const RunConfig& c, bool everySetting, std::vector<TrainFlag>& out) {
  out.push_back(text("objective", objectiveName(c.model.objective)));
  const std::string preset = c.preset.substr(0, c.preset.find('+'));
  if (!preset.empty()) out.push_back(text("preset", preset));
  if (everySetting || preset.empty() || preset.size() != c.preset.size() ||
      !hasPresetShape(c.model, preset)) {
    out.push_back(integer("layers", c.model.layers));
    out.push_back(integer("heads", c.model.heads));
    out.push_back(integer("dim", c.model.dim));
    out.push_back(integer("context", c.model.context));
  }
  out.push_back(integer("vocab-size", c.model.vocabSize));
}

// TOML's basic string: quotes, backslashes and control characters escaped.
std::string tomlString(const std::string& s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

// A word the shell passes through unchanged, else single-quoted.
std::string shellWord(const std::string& s) {
  const bool plain = !s.empty() && s.find_first_not_of(
                                       "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                       "0123456789_-+=./:,@%") == std::string::npos;
  if (plain) return s;
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

bool hasPresetShape(const ModelConfig& m, const std::string& preset) {
  try {
    const ModelConfig p = ModelConfig::preset(preset, m.objective, m.vocabSize);
    return p.layers == m.layers && p.heads == m.heads && p.dim == m.dim && p.mlpDim == m.mlpDim &&
           p.context == m.context;
  } catch (const Error&) {
    return false;  // Not a preset this build knows.
  }
}

RunConfig runConfigOf(const TrainingRunOptions& o) {
  RunConfig c;
  c.model = o.model;
  c.model.vocabSize = o.tokenize.tokenizer.vocabSize;
  c.train = o.train;
  c.preset = o.preset;
  c.corpus = o.corpus.inputs;
  c.encoding = textEncodingName(o.corpus.encoding);
  if (!o.initFrom.empty()) c.initFrom = RunOrigin{o.initFrom, o.initStep, ""};
  return c;
}

std::vector<TrainFlag> trainFlags(const RunConfig& c, const std::vector<Probe>& probes, FlagSet set) {
  const bool every = set == FlagSet::Every;
  std::vector<TrainFlag> out;
  out.push_back({"corpus", TrainFlag::Kind::List, c.corpus});
  if (c.initFrom) {
    out.push_back(text("init-from", c.initFrom->run));
    if (c.initFrom->step >= 0) out.push_back(integer("init-step", c.initFrom->step));
  }
  if (!c.initFrom || every) addModel(c, every, out);
  for (const TrainSetting& s : trainSettings())
    if (s.hasFlag() && (!s.fineTuneOnly || c.initFrom || every)) out.push_back(flagOf(s, c.train));
  TrainFlag probeList{"probe", TrainFlag::Kind::List, {}};
  for (const Probe& p : probes) probeList.values.push_back(p.text + "=>" + p.target);
  if (!probeList.values.empty()) out.push_back(probeList);
  return out;
}

std::string tomlOf(const std::vector<TrainFlag>& flags) {
  std::string out = "# pretrain train --config FILE (flags given on the command line override these)\n";
  for (const TrainFlag& f : flags) {
    out += f.name + " = ";
    switch (f.kind) {
      case TrainFlag::Kind::Text:
        out += tomlString(f.values.at(0));
        break;
      case TrainFlag::Kind::Number:
      case TrainFlag::Kind::Switch:
        out += f.values.at(0);
        break;
      case TrainFlag::Kind::List: {
        out += "[";
        for (size_t i = 0; i < f.values.size(); ++i) out += (i ? ", " : "") + tomlString(f.values[i]);
        out += "]";
        break;
      }
    }
    out += "\n";
  }
  return out;
}

std::string commandLineOf(const std::vector<TrainFlag>& flags, const std::string& out) {
  std::string line = "pretrain train";
  for (const TrainFlag& f : flags) {
    if (f.kind == TrainFlag::Kind::Switch) {
      if (f.values.at(0) == "true") line += " --" + f.name;
      continue;
    }
    for (const std::string& v : f.values) line += " --" + f.name + " " + shellWord(v);
  }
  return line + " --out " + shellWord(out);
}

std::string torchrunCommandLineOf(std::vector<TrainFlag> flags, const std::string& out, int processes) {
  for (TrainFlag& f : flags)
    if (f.name == "batch") {
      const long long batch = std::atoll(f.values.at(0).c_str());
      if (batch % processes == 0) f.values[0] = std::to_string(batch / processes);
    }
  // Debian's torchrun (Python 3.11) needs --redirects and --tee to start at all (README).
  return "torchrun --standalone --nproc_per_node=" + std::to_string(processes) +
         " --redirects 2 --tee 2 --no_python " + commandLineOf(flags, out);
}

}  // namespace pretrain
