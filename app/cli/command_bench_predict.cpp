// pretrain bench predict: how long the Playground waits for an answer, on a 64-token prompt, with the
// machine idle and while training runs on another thread (as in the studio), and what the Playground's
// requests cost the training meanwhile.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/arg_parser.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/progress_line.h"
#include "infer/predictor.h"
#include "tokenizer/tokenize_corpus.h"
#include "tokenizer/tokenizer.h"
#include "train/trainer.h"
#include "util/atomic_file.h"
#include "util/thread_priority.h"

namespace fs = std::filesystem;

namespace pretrain::cli {
namespace {

struct Latency {
  double median = 0, p95 = 0, max = 0;
};

template <typename Call>
Latency measure(int repeats, Call call) {
  call();  // Warm-up.
  std::vector<double> ms;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    call();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 95 / 100)], ms.back()};
}

}  // namespace

int runBenchPredict(const Args& args) {
  ArgParser p("pretrain bench predict [--corpus PATH] [options]",
              "Latency of the Playground's request (next words with the prompt's tinted pieces) on a prompt\n"
              "of --tokens tokens, with the machine idle and while the same model trains on another thread,\n"
              "and the training throughput with and without those requests.");
  p.option("corpus", "PATH", "corpus to tokenize (the prompt is read from it)", "data/brown");
  p.option("preset", "tiny|small|base", "model", "tiny");
  p.option("objective", "clm|mlm", "which objective", "clm");
  p.option("tokens", "N", "prompt length in tokens", "64");
  p.option("repeats", "N", "requests timed per condition", "40");
  p.option("mode", "words|pieces|plain",
           "the request: next words + tinted prompt pieces (the Playground's), "
           "next pieces + tinted prompt pieces, or next pieces alone",
           "words");
  p.flag("json", "print one JSON object instead of text");
  if (!p.parseOrPrintHelp(args)) return 0;
  const int tokens = int(p.integer("tokens", 1, 1 << 16)), repeats = int(p.integer("repeats", 1, 1 << 20));
  const bool json = p.isSet("json");
  const fs::path dir = fs::temp_directory_path() / ("pretrain-bench-predict-" + std::to_string(::getpid()));
  const ScratchDir cleanup(dir.string());
  ProgressLine progress(json);
  tokenizeCorpus({{p.value("corpus")}}, dir.string(), {}, progress.callback());
  progress.finish();
  const auto tokenizer = Tokenizer::load(tokenizerModelPath(dir.string()));
  const auto store = std::make_shared<const TokenStore>(tokenStoreDir(dir.string()));

  const ModelConfig m =
      ModelConfig::preset(p.value("preset"), parseObjective(p.value("objective")), tokenizer->vocabSize());
  TrainConfig t;
  t.steps = 1 << 30, t.warmup = 10, t.device = "cpu";  // The studio's defaults otherwise: all cores, auto.
  Trainer trainer(m, t, store, tokenizer);
  const Predictor predictor(trainer.snapshot(), tokenizer);
  // The prompt: real text from the corpus, `tokens` tokens long.
  std::vector<int64_t> window(size_t(tokens) + 200);
  store->read(TokenSplit::Train, 1000, window.size(), window.data());
  std::vector<int32_t> ids;
  for (const int64_t id : window)
    if (id >= SpecialTokens::kCount) ids.push_back(int32_t(id));
  ids.resize(size_t(tokens));
  const std::string prompt = tokenizer->decode(ids);
  NextOptions request;
  const std::string mode = p.value("mode");
  if (mode != "words" && mode != "pieces" && mode != "plain")
    throw UsageError("--mode is words, pieces or plain");
  request.topK = 10, request.words = mode == "words", request.promptPieces = mode != "plain";
  auto ask = [&] { predictor.next(prompt, request); };

  // Training alone, then the requests alone, then both at once.
  // Steps until `keepGoing` says stop; returns training tokens/s.
  auto train = [&](const std::function<bool(double seconds)>& keepGoing) {
    const auto start = std::chrono::steady_clock::now();
    auto seconds = [&] {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    uint64_t n = 0;
    while (keepGoing(seconds())) trainer.step(), ++n;
    return double(n) * t.batch * m.context / seconds();
  };
  trainer.step();  // Warm-up.
  const double aloneTps = train([](double seconds) { return seconds < 5.0; });
  const Latency idle = measure(repeats, ask);
  std::atomic<bool> done{false};
  double busyTps = 0;
  std::thread training([&] {
    lowerThreadPriority();  // As the studio's training thread does.
    busyTps = train([&](double) { return !done.load(); });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // A person types: a request, then a pause before the next (the Playground debounces at 100 ms).
  const Latency busy = measure(repeats, [&] {
    ask();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  });
  done = true;
  training.join();
  const double busyMs = busy.median - 100, busyP95 = busy.p95 - 100, busyMax = busy.max - 100;

  if (json) {
    std::cout << nlohmann::json{{"preset", p.value("preset")},
                                {"mode", mode},
                                {"prompt_tokens", tokens},
                                {"idle_ms", {{"median", idle.median}, {"p95", idle.p95}, {"max", idle.max}}},
                                {"training_ms", {{"median", busyMs}, {"p95", busyP95}, {"max", busyMax}}},
                                {"train_tokens_per_s_alone", aloneTps},
                                {"train_tokens_per_s_with_requests", busyTps}}
                     .dump()
              << "\n";
    return 0;
  }
  std::printf("%s %s, prompt of %d tokens, request: %s, %d requests each\n", p.value("preset").c_str(),
              p.value("objective").c_str(), tokens,
              mode == "words"    ? "next words + tinted prompt pieces"
              : mode == "pieces" ? "next pieces + tinted prompt pieces"
                                 : "next pieces",
              repeats);
  std::printf("idle                 median %6.1f ms   p95 %6.1f ms   max %6.1f ms\n", idle.median, idle.p95,
              idle.max);
  std::printf("while training runs  median %6.1f ms   p95 %6.1f ms   max %6.1f ms\n", busyMs, busyP95,
              busyMax);
  std::printf("training             %s tokens/s alone, %s tokens/s with a request every ~100 ms\n",
              formatCount(uint64_t(aloneTps)).c_str(), formatCount(uint64_t(busyTps)).c_str());
  return 0;
}

}  // namespace pretrain::cli
