// pretrain bench train: training throughput per preset and precision, and model FLOPs utilisation against
// a matrix-multiply peak measured just before and just after each row, on the same machine: a shared
// machine's speed drifts by 10% and more within a minute, and a peak read once at the start let the MFU of
// one build swing between 52% and 62% over three runs.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/bench_setup.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "compute/compute_device.h"
#include "compute/torch_compat.h"
#include "settings/arg_parser.h"
#include "train/trainer.h"

namespace pretrain::cli {
namespace {

// Steps run before the clock starts: the first ones allocate and pick kernels, which is not the pace.
constexpr int kUntimedSteps = 3;

// Steps the profiler watches with --profile: enough to average over, few enough to read quickly.
constexpr int kProfiledSteps = 5;
// Rows of the profile printed: the kernels or operators that take the most time.
constexpr size_t kProfileRows = 15;

struct BenchTrainOptions : BenchOptions {
  std::string presets, precisions, device;
  int batch = 0, context = 0, steps = 0, threads = 0;
  bool profile = false;
};

struct ThroughputRow {
  std::string preset, precision;
  int64_t parameters = 0;
  int batch = 0, context = 0;
  double tokensPerSecond = 0, mfu = 0, flopsPerToken = 0;
  double peakGflops = 0;  // the matmul peak around this row, in its precision
  bool profiled = false;
  compat::WorkProfile profile;  // of kProfiledSteps steps, with --profile
};

std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

ArgParser benchTrainParser() {
  ArgParser p(
      "pretrain bench train [--corpus PATH] [options]",
      "Training tokens/s of each preset in fp32 and bf16 (where the hardware has fast bf16), on real\n"
      "batches of a tokenized corpus, and model FLOPs utilisation (MFU) against the matrix-multiply peak\n"
      "measured just before and just after each figure. Each figure is timed over --steps steps after " +
          std::to_string(kUntimedSteps) + " warm-up steps.");
  p.option("corpus", "PATH", "corpus to tokenize for the batches", "data/brown");
  p.option("presets", "LIST", "comma-separated presets", "tiny,small,base");
  p.option("objective", "clm|mlm", "which objective", "clm");
  p.option("batch", "N", "sequences per step", "16");
  p.option("context", "N", "override the presets' context (0 keeps theirs)", "0");
  p.option("steps", "N", "timed steps per configuration", "10");
  p.option("threads", "N", "threads; 0 = all cores", "0");
  p.option("device", "cpu|cuda|auto", "where to train", "auto");
  p.option("precisions", "LIST", "fp32,bf16 (bf16 only where the hardware has fast bf16)", "fp32,bf16");
  p.flag("profile", "after timing, profile " + std::to_string(kProfiledSteps) +
                        " steps with LibTorch's profiler and show where the time goes");
  p.flag("json", "print one JSON object instead of text");
  return p;
}

BenchTrainOptions benchTrainOptions(const ArgParser& p) {
  BenchTrainOptions o;
  readBenchOptions(p, o);
  o.presets = p.value("presets");
  o.device = p.value("device");
  o.precisions = p.value("precisions");
  o.profile = p.isSet("profile");
  o.batch = int(p.integer("batch", 1, 1 << 16));
  o.steps = int(p.integer("steps", 1, 1 << 20));
  o.context = int(p.integer("context", 0, 1 << 16));
  o.threads = int(p.integer("threads", 0, 1024));
  return o;
}

ThroughputRow measureThroughput(const BenchTrainOptions& o, const BenchCorpus& data,
                                const std::string& preset, const ModelConfig& m, const std::string& precision,
                                const ComputeSetup& setup) {
  TrainConfig t = benchTrainConfig();
  t.batch = o.batch;
  t.threads = o.threads;
  t.device = o.device;
  t.precision = precision;
  Trainer trainer(m, t, data.store, data.tokenizer);
  for (int i = 0; i < kUntimedSteps; ++i) trainer.step();
  const bool bf16 = precision == "bf16";
  const double peakBefore = measureMatmulGflops(setup, bf16);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < o.steps; ++i) trainer.step();
  const double seconds = secondsSince(start);
  const double peakGflops = (peakBefore + measureMatmulGflops(setup, bf16)) / 2;
  ThroughputRow row;
  row.preset = preset;
  row.precision = precision;
  row.parameters = m.parameterCount();
  row.batch = o.batch;
  row.context = m.context;
  row.tokensPerSecond = double(o.steps) * o.batch * m.context / seconds;
  row.peakGflops = peakGflops;
  row.flopsPerToken = m.trainingFlopsPerToken();
  row.mfu = row.tokensPerSecond * row.flopsPerToken / (peakGflops * 1e9);
  if (o.profile) {
    row.profiled = true;
    row.profile = compat::profile(
        [&] {
          for (int i = 0; i < kProfiledSteps; ++i) trainer.step();
        },
        trainer.computeDescription().rfind("cuda", 0) == 0);
  }
  return row;
}

void printHeader(const ComputeSetup& setup, bool hasBf16) {
  std::printf(
      "%s%s; MFU against the matmul peak measured around each row\n\n%-6s %-5s %9s %12s %12s %12s %6s\n",
      setup.description.c_str(), hasBf16 ? "" : " (no fast bf16)", "preset", "prec", "params", "batch",
      "tokens/s", "peak GFLOP/s", "MFU");
}

void printRow(const ThroughputRow& r) {
  std::printf("%-6s %-5s %8.1fM %5d x %-5d %12s %12.0f %5.1f%%\n", r.preset.c_str(), r.precision.c_str(),
              double(r.parameters) / 1e6, r.batch, r.context,
              formatCount(uint64_t(r.tokensPerSecond)).c_str(), r.peakGflops, 100 * r.mfu);
}

void printProfile(const compat::WorkProfile& prof) {
  std::printf("  profile of %d steps: %.1f ms", kProfiledSteps, prof.wallMs);
  if (prof.deviceBusyMs > 0)
    std::printf(", GPU kernels %.1f ms (%.0f%% busy)", prof.deviceBusyMs,
                100 * prof.deviceBusyMs / prof.wallMs);
  std::printf("\n");
  for (size_t i = 0; i < std::min(kProfileRows, prof.rows.size()); ++i)
    std::printf("  %7.2f ms %5.1f%% %6lld x  %s\n", prof.rows[i].ms,
                100 * prof.rows[i].ms / (prof.deviceBusyMs > 0 ? prof.deviceBusyMs : prof.wallMs),
                static_cast<long long>(prof.rows[i].calls), prof.rows[i].name.substr(0, 100).c_str());
}

nlohmann::json profileJson(const compat::WorkProfile& prof) {
  nlohmann::json rows = nlohmann::json::array();
  for (size_t i = 0; i < std::min(kProfileRows, prof.rows.size()); ++i)
    rows.push_back({{"name", prof.rows[i].name}, {"calls", prof.rows[i].calls}, {"ms", prof.rows[i].ms}});
  return {{"steps", kProfiledSteps},
          {"wall_ms", prof.wallMs},
          {"device_busy_ms", prof.deviceBusyMs},
          {"rows", rows}};
}

void printJson(const ComputeSetup& setup, const std::vector<ThroughputRow>& rows) {
  nlohmann::json a = nlohmann::json::array();
  for (const ThroughputRow& r : rows)
    a.push_back({{"preset", r.preset},
                 {"precision", r.precision},
                 {"parameters", r.parameters},
                 {"batch", r.batch},
                 {"context", r.context},
                 {"tokens_per_s", r.tokensPerSecond},
                 {"flops_per_token", r.flopsPerToken},
                 {"matmul_gflops", r.peakGflops},
                 {"mfu", r.mfu},
                 {"profile", r.profiled ? profileJson(r.profile) : nlohmann::json()}});
  std::cout << nlohmann::json{{"compute", setup.description}, {"rows", a}}.dump() << "\n";
}

}  // namespace

int runBenchTrain(const Args& args) {
  ArgParser p = benchTrainParser();
  if (!p.parseOrPrintHelp(args)) return 0;
  const BenchTrainOptions o = benchTrainOptions(p);
  const BenchCorpus data(o.corpus, "bench-train", o.json);

  setComputeThreads(o.threads);
  const ComputeSetup setup = chooseCompute(o.device, "fp32", o.threads);
  const bool hasBf16 = setup.device.is_cuda() || cpuHasFastBf16();
  if (!o.json) printHeader(setup, hasBf16);
  // Text rows appear as they are measured (a base preset takes a while); JSON waits for all of them.
  std::vector<ThroughputRow> rows;
  for (const std::string& preset : splitList(o.presets)) {
    ModelConfig m = ModelConfig::preset(preset, parseObjective(o.objective), data.tokenizer->vocabSize());
    if (o.context > 0) m.context = o.context;
    for (const std::string& precision : splitList(o.precisions)) {
      if (precision == "bf16" && !hasBf16) continue;
      rows.push_back(measureThroughput(o, data, preset, m, precision, setup));
      if (o.json) continue;
      printRow(rows.back());
      if (rows.back().profiled) printProfile(rows.back().profile);
    }
  }
  if (o.json) printJson(setup, rows);
  return 0;
}

}  // namespace pretrain::cli
