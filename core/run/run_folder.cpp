#include "run/run_folder.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

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

RunConfig RunFolder::readConfig() const {
  std::error_code ec;
  if (!fs::is_directory(m_dir, ec)) throw InputError("run folder " + m_dir + " does not exist");
  std::ifstream in(configPath());
  if (!in) throw InputError(m_dir + " is not a run folder (config.json is missing)");
  std::stringstream ss;
  ss << in.rdbuf();
  const json j = json::parse(ss.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw InputError(configPath() + " is damaged (not valid JSON)");
  RunConfig c;
  try {
    const int version = j.at("format_version");
    if (version != kRunFormatVersion)
      throw InputError(configPath() + " has format version " + std::to_string(version) +
                       "; this build reads " + std::to_string(kRunFormatVersion));
    c.model = ModelConfig::fromJson(j.at("model").dump());
    c.train = TrainConfig::fromJson(j.at("train").dump());
    c.preset = j.at("preset");
    c.corpus = j.at("corpus").get<std::vector<std::string>>();
    c.encoding = j.at("encoding");
    c.tokenizerHash = j.at("tokenizer_hash");
  } catch (const json::exception& e) {
    throw InputError(configPath() + " is incomplete (" + e.what() + ")");
  }
  return c;
}

void RunFolder::writeConfig(const RunConfig& c) const {
  const json j = {{"format_version", kRunFormatVersion},
                  {"model", json::parse(c.model.toJson())},
                  {"train", json::parse(c.train.toJson())},
                  {"preset", c.preset},
                  {"corpus", c.corpus},
                  {"encoding", c.encoding},
                  {"tokenizer_hash", c.tokenizerHash}};
  writeFileAtomic(configPath(), j.dump(2) + "\n");
}

std::string RunFolder::checkpointPath(int64_t step) const {
  char name[32];
  std::snprintf(name, sizeof name, "step-%08lld.pt", static_cast<long long>(step));
  return checkpointsDir() + "/" + name;
}

std::vector<std::string> RunFolder::checkpoints() const {
  std::vector<std::string> found;
  std::error_code ec;
  const std::regex pattern(R"(step-\d{8}\.pt)");
  for (const auto& e : fs::directory_iterator(checkpointsDir(), ec))
    if (std::regex_match(e.path().filename().string(), pattern)) found.push_back(e.path().string());
  std::sort(found.begin(), found.end());  // Zero-padded step numbers sort by step.
  return found;
}

std::string RunFolder::latestCheckpoint() const {
  const auto all = checkpoints();
  return all.empty() ? "" : all.back();
}

void RunFolder::pruneCheckpoints(int keep) const {
  const auto all = checkpoints();
  std::error_code ec;
  for (size_t i = 0; i + size_t(keep) < all.size(); ++i) fs::remove(all[i], ec);
}

void RunFolder::appendMetrics(const StepMetrics& s, const EvalMetrics* e) const {
  json j = {{"step", s.step},          {"train_loss", s.trainLoss},         {"lr", s.lr},
            {"grad_norm", s.gradNorm}, {"tokens_per_s", s.tokensPerSecond}, {"elapsed_s", s.elapsedSeconds},
            {"tokens", s.tokensSeen}};
  if (s.skipped) j["skipped"] = true;
  if (s.allReduceSeconds > 0) j["allreduce_s"] = s.allReduceSeconds;
  if (e) {
    j["val_loss"] = e->loss;
    j["val_perplexity"] = e->perplexity;
    j["val_bits_per_byte"] = e->bitsPerByte;
  }
  std::ofstream out(metricsPath(), std::ios::app);
  out << j.dump() << "\n";
  out.flush();
  if (!out) throw IoError("cannot append to " + metricsPath() + ": " + systemErrorText());
}

bool parseMetricsLine(const std::string& line, std::vector<StepMetrics>& steps,
                      std::vector<EvalMetrics>& evals) {
  const json j = json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("step") || !j["step"].is_number_integer())
    return false;
  StepMetrics s;
  s.step = j["step"];
  s.trainLoss = j.value("train_loss", 0.0);
  s.lr = j.value("lr", 0.0);
  s.gradNorm = j.value("grad_norm", 0.0);
  s.tokensPerSecond = j.value("tokens_per_s", 0.0);
  s.elapsedSeconds = j.value("elapsed_s", 0.0);
  s.tokensSeen = j.value("tokens", uint64_t(0));
  s.skipped = j.value("skipped", false);
  s.allReduceSeconds = j.value("allreduce_s", 0.0);
  steps.push_back(s);
  if (j.contains("val_loss") && j["val_loss"].is_number()) {
    EvalMetrics e;
    e.step = s.step;
    e.loss = j["val_loss"];
    e.perplexity = j.value("val_perplexity", 0.0);
    e.bitsPerByte = j.value("val_bits_per_byte", 0.0);
    evals.push_back(e);
  }
  return true;
}

void RunFolder::readMetrics(std::vector<StepMetrics>& steps, std::vector<EvalMetrics>& evals) const {
  std::ifstream in(metricsPath());
  std::string line;
  while (std::getline(in, line)) parseMetricsLine(line, steps, evals);
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
    if (j.is_discarded() || !j.contains("step") || j["step"].get<int64_t>() > step) continue;
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
  std::ofstream out(probeResultsPath(), std::ios::app);
  for (const ProbeResult& r : results) out << probeResultToJson(r) << "\n";
  out.flush();
  if (!out) throw IoError("cannot append to " + probeResultsPath() + ": " + systemErrorText());
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
