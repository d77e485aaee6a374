// pretrain bench train: training throughput per preset and precision, and model FLOPs utilisation against
// a matrix-multiply peak measured in the same run, on the same machine.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/arg_parser.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/progress_line.h"
#include "compute/compute_device.h"
#include "tokenizer/tokenize_corpus.h"
#include "tokenizer/tokenizer.h"
#include "train/trainer.h"
#include "util/atomic_file.h"

namespace fs = std::filesystem;

namespace pretrain::cli {
namespace {

std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace

int runBenchTrain(const Args& args) {
  ArgParser p(
      "pretrain bench train [--corpus PATH] [options]",
      "Training tokens/s of each preset in fp32 and bf16 (where the hardware has fast bf16), on real\n"
      "batches of a tokenized corpus, and model FLOPs utilisation (MFU) against the matrix-multiply peak\n"
      "measured first. Each figure is timed over --steps steps after 3 warm-up steps.");
  p.option("corpus", "PATH", "corpus to tokenize for the batches", "data/brown");
  p.option("presets", "LIST", "comma-separated presets", "tiny,small,base");
  p.option("objective", "clm|mlm", "which objective", "clm");
  p.option("batch", "N", "sequences per step", "16");
  p.option("context", "N", "override the presets' context (0 keeps theirs)", "0");
  p.option("steps", "N", "timed steps per configuration", "10");
  p.option("threads", "N", "threads; 0 = all cores", "0");
  p.option("device", "cpu|cuda|auto", "where to train", "auto");
  p.flag("json", "print one JSON object instead of text");
  if (!p.parseOrPrintHelp(args)) return 0;
  const int batch = int(p.integer("batch", 1, 1 << 16)), steps = int(p.integer("steps", 1, 1 << 20));
  const int context = int(p.integer("context", 0, 1 << 16)), threads = int(p.integer("threads", 0, 1024));
  const bool json = p.isSet("json");

  const fs::path dir = fs::temp_directory_path() / ("pretrain-bench-train-" + std::to_string(::getpid()));
  const ScratchDir cleanup(dir.string());  // Removed with everything in it on the way out.
  ProgressLine progress(json);
  tokenizeCorpus({{p.value("corpus")}}, dir.string(), {}, progress.callback());
  progress.finish();
  const auto tokenizer = Tokenizer::load(tokenizerModelPath(dir.string()));
  const auto store = std::make_shared<const TokenStore>(tokenStoreDir(dir.string()));

  setComputeThreads(threads);
  const ComputeSetup setup = chooseCompute(p.value("device"), "fp32", threads);
  const bool bf16 = setup.device.is_cuda() || cpuHasFastBf16();
  const double peak32 = measureMatmulGflops(setup, false),
               peak16 = bf16 ? measureMatmulGflops(setup, true) : 0;
  nlohmann::json rows = nlohmann::json::array();
  if (!json)
    std::printf("%s; matmul peak %.0f GFLOP/s fp32%s\n\n%-6s %-5s %9s %12s %12s %6s\n",
                setup.description.c_str(), peak32,
                bf16 ? (", " + std::to_string(int(peak16)) + " GFLOP/s bf16").c_str() : " (no fast bf16)",
                "preset", "prec", "params", "batch", "tokens/s", "MFU");
  for (const std::string& preset : splitList(p.value("presets"))) {
    ModelConfig m = ModelConfig::preset(preset, parseObjective(p.value("objective")), tokenizer->vocabSize());
    if (context > 0) m.context = context;
    for (const std::string precision : {"fp32", "bf16"}) {
      if (precision == "bf16" && !bf16) continue;
      TrainConfig t;
      t.batch = batch, t.steps = 1 << 30, t.warmup = 10, t.threads = threads;
      t.device = p.value("device"), t.precision = precision;
      Trainer trainer(m, t, store, tokenizer);
      for (int i = 0; i < 3; ++i) trainer.step();
      const auto start = std::chrono::steady_clock::now();
      for (int i = 0; i < steps; ++i) trainer.step();
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double tps = double(steps) * batch * m.context / seconds;
      const double mfu = tps * m.trainingFlopsPerToken() / ((precision == "bf16" ? peak16 : peak32) * 1e9);
      rows.push_back({{"preset", preset},
                      {"precision", precision},
                      {"parameters", m.parameterCount()},
                      {"batch", batch},
                      {"context", m.context},
                      {"tokens_per_s", tps},
                      {"mfu", mfu}});
      if (!json)
        std::printf("%-6s %-5s %8.1fM %5d x %-5d %12s %5.1f%%\n", preset.c_str(), precision.c_str(),
                    double(m.parameterCount()) / 1e6, batch, m.context, formatCount(uint64_t(tps)).c_str(),
                    100 * mfu);
    }
  }
  if (json)
    std::cout << nlohmann::json{{"compute", setup.description},
                                {"matmul_gflops_fp32", peak32},
                                {"matmul_gflops_bf16", peak16},
                                {"rows", rows}}
                     .dump()
              << "\n";
  return 0;
}

}  // namespace pretrain::cli
