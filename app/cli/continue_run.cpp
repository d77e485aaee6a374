#include "cli/continue_run.h"

#include <cstdio>
#include <filesystem>
#include <functional>

#include "run/run_folder.h"
#include "run/train_flags.h"
#include "util/error.h"

namespace fs = std::filesystem;

namespace pretrain::cli {
namespace {

// A flag that fixes something about the run, and that setting as config.json holds it.
struct RunSetting {
  const char* flag;
  std::function<std::string(const RunConfig&)> value;
};

std::string number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", x);
  return buf;
}

// "tiny+custom" (a preset with some sizes set by hand) started as "tiny".
std::string presetBase(const std::string& preset) { return preset.substr(0, preset.find('+')); }

const std::vector<RunSetting>& runSettings() {
  static const std::vector<RunSetting> settings = {
      {"objective", [](const RunConfig& c) { return std::string(objectiveName(c.model.objective)); }},
      {"preset", [](const RunConfig& c) { return presetBase(c.preset); }},
      {"layers", [](const RunConfig& c) { return std::to_string(c.model.layers); }},
      {"heads", [](const RunConfig& c) { return std::to_string(c.model.heads); }},
      {"dim", [](const RunConfig& c) { return std::to_string(c.model.dim); }},
      {"context", [](const RunConfig& c) { return std::to_string(c.model.context); }},
      {"vocab-size", [](const RunConfig& c) { return std::to_string(c.model.vocabSize); }},
      {"batch", [](const RunConfig& c) { return std::to_string(c.train.batch); }},
      {"accum", [](const RunConfig& c) { return std::to_string(c.train.accum); }},
      {"lr", [](const RunConfig& c) { return number(c.train.lr); }},
      {"warmup", [](const RunConfig& c) { return std::to_string(c.train.warmup); }},
      {"seed", [](const RunConfig& c) { return std::to_string(c.train.seed); }},
      {"device", [](const RunConfig& c) { return c.train.device; }},
      {"precision", [](const RunConfig& c) { return c.train.precision; }},
      {"eval-every", [](const RunConfig& c) { return std::to_string(c.train.evalEvery); }},
      {"save-every", [](const RunConfig& c) { return std::to_string(c.train.saveEvery); }},
      {"snapshot-every", [](const RunConfig& c) { return std::to_string(c.train.snapshotEvery); }},
      {"snapshot-budget-mb", [](const RunConfig& c) { return std::to_string(c.train.snapshotBudgetMb); }},
      {"mask-rate", [](const RunConfig& c) { return number(c.train.masking.rate); }},
      {"whole-word",
       [](const RunConfig& c) { return std::string(c.train.masking.wholeWord ? "on" : "off"); }},
      {"freeze-embeddings",
       [](const RunConfig& c) { return std::string(c.train.freezeEmbeddings ? "on" : "off"); }},
      {"freeze-blocks", [](const RunConfig& c) { return std::to_string(c.train.freezeBlocks); }},
  };
  return settings;
}

// The same input: written alike, or naming the same file from wherever each command ran.
bool sameInput(const std::string& a, const std::string& b) {
  if (a == b) return true;
  std::error_code ea, eb;
  const fs::path ca = fs::weakly_canonical(a, ea), cb = fs::weakly_canonical(b, eb);
  return !ea && !eb && ca == cb;
}

bool sameCorpus(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), sameInput);
}

std::string joined(const std::vector<std::string>& items) {
  std::string s;
  for (const std::string& item : items) s += (s.empty() ? "" : ", ") + item;
  return s;
}

// Throws InputError naming the first given flag that the run contradicts.
void checkFlagsMatch(const ArgParser& p, const TrainingRunOptions& o, const RunFolder& run) {
  const RunConfig have = run.readConfig();
  const RunConfig want = runConfigOf(o);
  const std::string tail = "; drop the flag to continue the run, or choose another --out";
  if (p.given("corpus") && !sameCorpus(want.corpus, have.corpus))
    throw InputError("--corpus " + joined(want.corpus) + " contradicts the run in " + run.dir() +
                     ", trained on " + joined(have.corpus) + tail);
  for (const RunSetting& s : runSettings()) {
    if (!p.given(s.flag)) continue;
    const std::string wanted = s.value(want), had = s.value(have);
    if (wanted != had)
      throw InputError("--" + std::string(s.flag) + " " + wanted + " contradicts the run in " + run.dir() +
                       ", which has " + had + tail);
  }
}

}  // namespace

void chooseNewOrContinue(const ArgParser& p, TrainingRunOptions& o) {
  const RunFolder run(o.runDir);
  o.resume = p.isSet("resume") || run.hasRun();
  if (!o.resume) {
    if (o.corpus.inputs.empty()) throw UsageError("--corpus is required for a new run");
    return;
  }
  checkFlagsMatch(p, o, run);  // Reads config.json: throws when --resume finds no run.
  if (p.given("steps")) o.resumeChanges.totalSteps = o.train.steps;
  o.resumeChanges.threads = o.train.threads;  // Per process, never the run's.
}

}  // namespace pretrain::cli
