#include "run/run_folder.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "run/json_number.h"
#include "run/probe_json.h"
#include "train/trainer.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace pretrain {

RunFolder::RunFolder(std::string dir) : m_dir(std::move(dir)) {}

bool RunFolder::hasRun() const {
  std::error_code ec;
  return fs::exists(configPath(), ec);
}

void RunFolder::checkUsableForNewRun() const {
  std::error_code ec;
  if (!fs::exists(m_dir, ec)) return;
  if (!fs::is_directory(m_dir, ec))
    throw InputError(m_dir + " is a file, not a folder; choose a folder for the run");
  // Written by an earlier start of a run here that stopped before its config: its lock, and its data
  // folder when that holds only what tokenizing writes.
  const auto ours = [this](const fs::path& p) {
    const std::string name = p.filename().string();
    if (name == "writer.lock") return true;
    if (name != "data") return false;
    std::error_code e;
    for (fs::directory_iterator it(p, e), end; !e && it != end; it.increment(e)) {
      const std::string inner = it->path().filename().string();
      // The store, its scratch and old copies (tokens.building, tokens.old-PID), the tokenizer's files.
      if (inner.rfind("tokens", 0) != 0 && inner.rfind("tokenizer", 0) != 0) return false;
    }
    return !e;
  };
  fs::directory_iterator it(m_dir, ec), end;
  for (; !ec && it != end; it.increment(ec))
    if (!ours(it->path()))
      throw InputError(m_dir + " already holds '" + it->path().filename().string() +
                       "', which this program did not write; choose an empty or new folder for the run");
  if (ec) throw IoError("cannot read folder " + m_dir + ": " + ec.message());
}

RunConfig RunFolder::readConfig() const {
  std::error_code ec;
  if (!fs::is_directory(m_dir, ec)) throw InputError("run folder " + m_dir + " does not exist");
  std::ifstream in(configPath());
  if (!in) throw InputError(m_dir + " is not a run folder (config.json is missing)");
  std::stringstream ss;
  ss << in.rdbuf();
  return parseRunConfig(ss.str(), configPath());
}

RunConfig parseRunConfig(const std::string& text, const std::string& where) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw InputError(where + " is damaged (not valid JSON)");
  RunConfig c;
  try {
    const int version = j.at("format_version");
    if (version != kRunFormatVersion)
      throw InputError(where + " has format version " + std::to_string(version) + "; this build reads " +
                       std::to_string(kRunFormatVersion));
    c.model = ModelConfig::fromJson(j.at("model").dump());
    c.train = TrainConfig::fromJson(j.at("train").dump());
    c.preset = j.at("preset");
    c.corpus = j.at("corpus").get<std::vector<std::string>>();
    c.encoding = j.at("encoding");
    c.tokenizerHash = j.at("tokenizer_hash");
    if (j.contains("init_from")) {
      const json& o = j.at("init_from");
      c.initFrom = RunOrigin{o.at("run"), o.at("step"), o.at("tokenizer_hash")};
    }
  } catch (const json::exception& e) {
    throw InputError(where + " is incomplete (" + e.what() + ")");
  }
  return c;
}

std::string runConfigJson(const RunConfig& c) {
  json j = {{"format_version", kRunFormatVersion},
            {"model", json::parse(c.model.toJson())},
            {"train", json::parse(c.train.toJson())},
            {"preset", c.preset},
            {"corpus", c.corpus},
            {"encoding", c.encoding},
            {"tokenizer_hash", c.tokenizerHash}};
  if (c.initFrom)
    j["init_from"] = {
        {"run", c.initFrom->run}, {"step", c.initFrom->step}, {"tokenizer_hash", c.initFrom->tokenizerHash}};
  return j.dump(2) + "\n";
}

void RunFolder::writeConfig(const RunConfig& c) const { writeFileAtomic(configPath(), runConfigJson(c)); }

namespace {

std::string stepFileName(int64_t step) {
  char name[40];
  std::snprintf(name, sizeof name, "step-%08lld.safetensors", static_cast<long long>(step));
  return name;
}

}  // namespace

int64_t stepOfFile(const std::string& path) {
  const size_t at = path.rfind("step-");
  return at == std::string::npos ? -1 : std::strtoll(path.c_str() + at + 5, nullptr, 10);
}

std::string RunFolder::checkpointPath(int64_t step) const {
  return checkpointsDir() + "/" + stepFileName(step);
}
std::string RunFolder::snapshotPath(int64_t step) const { return snapshotsDir() + "/" + stepFileName(step); }

std::vector<std::string> RunFolder::checkpoints() const { return listSteps(checkpointsDir(), "safetensors"); }
std::vector<std::string> RunFolder::legacyCheckpoints() const { return listSteps(checkpointsDir(), "pt"); }
std::vector<std::string> RunFolder::snapshots() const { return listSteps(snapshotsDir(), "safetensors"); }

std::vector<int64_t> RunFolder::timelineSteps() const {
  std::vector<int64_t> steps;
  for (const auto& files : {snapshots(), checkpoints()})
    for (const std::string& f : files) steps.push_back(stepOfFile(f));
  std::sort(steps.begin(), steps.end());
  steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
  return steps;
}

uint64_t RunFolder::snapshotBytes() const {
  uint64_t bytes = 0;
  std::error_code ec;
  for (const std::string& s : snapshots()) {
    const uintmax_t size = fs::file_size(s, ec);
    if (!ec) bytes += size;
  }
  return bytes;
}

std::vector<std::string> RunFolder::listSteps(const std::string& dir, const std::string& extension) const {
  std::vector<std::string> found;
  std::error_code ec;
  if (!fs::exists(dir, ec) && !ec) return found;  // None written yet.
  // Eight digits or more: step 10^8 and later still count.
  const std::regex pattern(R"(step-\d{8,}\.)" + extension);
  fs::directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec))
    if (std::regex_match(it->path().filename().string(), pattern)) found.push_back(it->path().string());
  // A folder that cannot be listed is not "no checkpoint": going on would start the run over.
  if (ec) throw IoError("cannot read the files in " + dir + ": " + ec.message());
  // By step: zero-padded names of one length sort as text, and a longer name is a later step.
  std::sort(found.begin(), found.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  });
  return found;
}

std::string RunFolder::latestCheckpoint() const {
  const auto all = checkpoints();
  return all.empty() ? "" : all.back();
}

void RunFolder::pruneCheckpoints(int keep) const {
  const auto all = checkpoints();
  std::error_code ec;
  for (size_t i = 0; i + size_t(keep) < all.size(); ++i) {
    fs::remove(all[i], ec);
  }
}

int RunFolder::removeLeftovers() const {
  int removed = 0;
  for (const std::string& dir : {m_dir, checkpointsDir(), snapshotsDir(), dataDir()}) {
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      const fs::path p = it->path();
      const std::string name = p.filename().string();
      // atomic_file.h's names: NAME.tmp-PID-N, NAME.old-PID; and NAME.tmp of older builds.
      const size_t old = name.find(".old-");
      std::error_code e;
      if (old != std::string::npos && !fs::exists(p.parent_path() / name.substr(0, old), e)) {
        // A replacement stopped between its two renames: this old copy is the only one, put it back.
        fs::rename(p, p.parent_path() / name.substr(0, old), e);
        continue;
      }
      const bool leftover = name.find(".tmp-") != std::string::npos || old != std::string::npos ||
                            (name.size() > 4 && name.compare(name.size() - 4, 4, ".tmp") == 0);
      if (leftover && fs::remove_all(p, e) > 0) ++removed;
    }
  }
  return removed;
}

void RunFolder::appendMetrics(const StepMetrics& s, const EvalMetrics* e) const {
  json j = {{"step", s.step},
            {"train_loss", jsonNumber(s.trainLoss)},
            {"lr", jsonNumber(s.lr)},
            {"grad_norm", jsonNumber(s.gradNorm)},
            {"tokens_per_s", jsonNumber(s.tokensPerSecond)},
            {"elapsed_s", jsonNumber(s.elapsedSeconds)},
            {"tokens", s.tokensSeen}};
  if (s.skipped) j["skipped"] = true;
  if (s.allReduceSeconds > 0) j["allreduce_s"] = s.allReduceSeconds;
  if (e) {
    j["val_loss"] = jsonNumber(e->loss);
    j["val_perplexity"] = jsonNumber(e->perplexity);
    j["val_bits_per_byte"] = jsonNumber(e->bitsPerByte);
    if (!std::isnan(e->exactMatch)) j["val_exact_match"] = e->exactMatch;
  }
  appendToFile(metricsPath(), j.dump() + "\n");
}

bool parseMetricsLine(const std::string& line, std::vector<StepMetrics>& steps,
                      std::vector<EvalMetrics>& evals) {
  const json j = json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  StepMetrics s;
  s.step = integerField(j, "step", -1);
  if (s.step < 0) return false;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  s.trainLoss = numberField(j, "train_loss", nan);
  s.lr = numberField(j, "lr", nan);
  s.gradNorm = numberField(j, "grad_norm", nan);
  s.tokensPerSecond = numberField(j, "tokens_per_s", nan);
  s.elapsedSeconds = numberField(j, "elapsed_s", nan);
  s.tokensSeen = uint64_t(std::max<int64_t>(0, integerField(j, "tokens", 0)));
  s.skipped = j.value("skipped", json(false)) == json(true);
  s.allReduceSeconds = numberField(j, "allreduce_s", 0);
  steps.push_back(s);
  if (j.contains("val_loss")) {
    EvalMetrics e;
    e.step = s.step;
    e.loss = numberField(j, "val_loss", nan);
    e.perplexity = numberField(j, "val_perplexity", nan);
    e.bitsPerByte = numberField(j, "val_bits_per_byte", nan);
    e.exactMatch = numberField(j, "val_exact_match", nan);
    evals.push_back(e);
  }
  return true;
}

int RunFolder::readMetrics(std::vector<StepMetrics>& steps, std::vector<EvalMetrics>& evals) const {
  std::ifstream in(metricsPath());
  std::string line;
  int bad = 0;
  while (std::getline(in, line))
    if (!parseMetricsLine(line, steps, evals)) ++bad;
  return bad;
}

namespace {

// Keeps the lines of a JSON-lines file whose "step" is at most `step`. Atomic.
void truncateJsonLinesAfter(const std::string& path, int64_t step) {
  std::ifstream in(path);
  if (!in) return;
  std::string kept, line;
  while (std::getline(in, line)) {
    const json j = json::parse(line, nullptr, false);
    // A torn last line (the process was killed mid-write) is dropped along with later steps.
    if (j.is_discarded() || !j.is_object() || integerField(j, "step", step + 1) > step) continue;
    kept += line + "\n";
  }
  writeFileAtomic(path, kept);
}

}  // namespace

void RunFolder::truncateHistoryAfter(int64_t step) const {
  truncateJsonLinesAfter(metricsPath(), step);
  truncateJsonLinesAfter(probeResultsPath(), step);
}

std::vector<Probe> RunFolder::readProbes() const {
  std::ifstream in(probesPath());
  if (!in) return {};
  std::stringstream text;
  text << in.rdbuf();
  try {
    return probesFromJson(text.str());
  } catch (const InputError& e) {
    throw InputError(probesPath() + ": " + e.what());
  }
}

void RunFolder::writeProbes(const std::vector<Probe>& probes) const {
  writeFileAtomic(probesPath(), probesToJson(probes));
}

void RunFolder::appendProbeResults(const std::vector<ProbeResult>& results) const {
  std::string lines;
  for (const ProbeResult& r : results) lines += probeResultToJson(r) + "\n";
  appendToFile(probeResultsPath(), lines);
}

std::vector<ProbeResult> RunFolder::readProbeResults() const {
  std::ifstream in(probeResultsPath());
  std::vector<ProbeResult> out;
  std::string line;
  ProbeResult r;
  while (std::getline(in, line))
    if (probeResultFromJson(line, r)) out.push_back(r);
  return out;
}

}  // namespace pretrain
