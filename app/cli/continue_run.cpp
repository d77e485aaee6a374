#include "cli/continue_run.h"

#include <filesystem>
#include <map>
#include <set>

#include "run/run_folder.h"
#include "run/train_flags.h"
#include "train/train_settings.h"
#include "util/error.h"

namespace fs = std::filesystem;

namespace pretrain::cli {
namespace {

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
  // Each setting as a flag writes it; not compared: the corpus (above), the training settings a resume may
  // change (their rows, train_settings.h, say so: the length, how often it evaluates, saves and keeps
  // snapshots, this process's threads and device), the probes (a resume may replace them), and the parent
  // (named however the command names it).
  std::set<std::string> free = {"corpus", "probe", "init-from", "init-step"};
  for (const TrainSetting& s : trainSettings())
    if (s.hasFlag() && s.onResume != OnResume::Fixed) free.insert(s.flag);
  std::map<std::string, std::string> had;
  for (const TrainFlag& f : trainFlags(have, {}, FlagSet::Every)) had[f.name] = f.values.at(0);
  for (const TrainFlag& f : trainFlags(want, {}, FlagSet::Every)) {
    if (free.count(f.name) || !p.given(f.name) || f.values.at(0) == had[f.name]) continue;
    throw InputError("--" + f.name + " " + f.values.at(0) + " contradicts the run in " + run.dir() +
                     ", which has " + had[f.name] + tail);
  }
}

}  // namespace

void chooseNewOrContinue(const ArgParser& p, TrainingRunOptions& o) {
  const RunFolder run(o.runDir);
  o.resume = p.isSet("resume") || run.hasRun();
  if (!o.resume) {
    if (o.corpus.inputs.empty()) throw UsageError("--corpus is required for a new run");
    // A run that goes on was started with its parent: these then only have to agree with it (below).
    if (o.initFrom.empty())
      for (const char* fineTuneOnly : {"init-step", "freeze-embeddings", "freeze-blocks"})
        if (p.given(fineTuneOnly)) throw UsageError("--" + std::string(fineTuneOnly) + " needs --init-from");
    return;
  }
  checkFlagsMatch(p, o, run);  // Reads config.json: throws when --resume finds no run.
  RunChanges& c = o.resumeChanges;
  c.values = o.train;
  for (const TrainSetting& s : trainSettings())
    if (s.hasFlag() && s.onResume != OnResume::Fixed && p.given(s.flag)) c.settings.push_back(s.flag);
  // This process's threads are its own, never the run's: all cores unless --threads says otherwise.
  if (!p.given("threads")) c.settings.push_back("threads");
}

}  // namespace pretrain::cli
