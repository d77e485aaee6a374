// pretrain bench predict: how long the Playground waits for an answer, on a 64-token prompt, with the
// machine idle and while training runs on another thread (as in the studio), and what the Playground's
// requests cost the training meanwhile.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/bench_setup.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "infer/predictor.h"
#include "settings/arg_parser.h"
#include "train/trainer.h"
#include "util/thread_priority.h"

namespace pretrain::cli {
namespace {

// A person typing: the Playground sends a request at most every 100 ms (its debounce, next_word_pane.cpp).
constexpr auto kTypingPause = std::chrono::milliseconds(100);
// How long training is timed alone, for the throughput the requests are compared with.
constexpr double kTrainAloneSeconds = 5.0;
// Time for the training thread to reach its pace before the first request is timed.
constexpr auto kTrainingSettleTime = std::chrono::milliseconds(500);
// Where the prompt is read in the training split: a little way in, in running text.
constexpr uint64_t kPromptOffset = 1000;
// Tokens read beyond the prompt's length, since the special tokens among them (document ends) are dropped.
constexpr size_t kPromptSlack = 200;
// Candidates per request: the Playground's default top-K.
constexpr int kPlaygroundTopK = 10;
// The tail of the latencies reported beside the median and the maximum.
constexpr size_t kTailPercentile = 95;

// What one request asks for (--mode).
struct RequestMode {
  const char* name;
  const char* description;
  bool words, promptPieces;  // NextOptions
};

const RequestMode kModes[] = {{"words", "next words + tinted prompt pieces", true, true},
                              {"pieces", "next pieces + tinted prompt pieces", false, true},
                              {"plain", "next pieces", false, false}};

struct BenchPredictOptions : BenchOptions {
  std::string preset;
  const RequestMode* mode = nullptr;
  int tokens = 0, repeats = 0;
};

// Milliseconds per request.
struct Latency {
  double median = 0, p95 = 0, max = 0;
};

struct BenchPredictResult {
  Latency idle, whileTraining;
  double tokensPerSecondAlone = 0, tokensPerSecondWithRequests = 0;
};

ArgParser benchPredictParser() {
  ArgParser p("pretrain bench predict [--corpus PATH] [options]",
              "Latency of the Playground's request (next words with the prompt's tinted pieces) on a prompt\n"
              "of --tokens tokens, with the machine idle and while the same model trains on another thread,\n"
              "and the training throughput with and without those requests.");
  p.option("corpus", "PATH", "corpus to tokenize (the prompt is read from it)", "data/brown");
  p.option("preset", "tiny|small|base|gpt2", "model", "tiny");
  p.option("objective", "clm|mlm", "which objective", "clm");
  p.option("tokens", "N", "prompt length in tokens", "64");
  p.option("repeats", "N", "requests timed per condition", "40");
  p.option("mode", "words|pieces|plain",
           "the request: next words + tinted prompt pieces (the Playground's), "
           "next pieces + tinted prompt pieces, or next pieces alone",
           "words");
  p.flag("json", "print one JSON object instead of text");
  return p;
}

BenchPredictOptions benchPredictOptions(const ArgParser& p) {
  BenchPredictOptions o;
  readBenchOptions(p, o);
  o.preset = p.value("preset");
  o.tokens = int(p.integer("tokens", 1, 1 << 16));
  o.repeats = int(p.integer("repeats", 1, 1 << 20));
  for (const RequestMode& m : kModes)
    if (p.value("mode") == m.name) o.mode = &m;
  if (!o.mode) throw UsageError("--mode is words, pieces or plain");
  return o;
}

// Real text from the corpus, `tokens` tokens long.
std::string corpusPrompt(const TokenStore& store, const Tokenizer& tokenizer, int tokens) {
  std::vector<int64_t> window(size_t(tokens) + kPromptSlack);
  store.read(TokenSplit::Train, kPromptOffset, window.size(), window.data());
  std::vector<int32_t> ids;
  for (const int64_t id : window)
    if (id >= SpecialTokens::kCount) ids.push_back(int32_t(id));
  ids.resize(size_t(tokens));
  return tokenizer.decode(ids);
}

double percentile(const std::vector<double>& sorted, size_t percent) {
  return sorted[std::min(sorted.size() - 1, sorted.size() * percent / 100)];
}

// `repeats` timed calls after an untimed one (the first call allocates).
template <typename Call>
Latency measure(int repeats, Call call) {
  call();
  std::vector<double> ms;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    call();
    ms.push_back(1000 * secondsSince(start));
  }
  std::sort(ms.begin(), ms.end());
  return {percentile(ms, 50), percentile(ms, kTailPercentile), ms.back()};
}

// Steps until `keepGoing(seconds so far)` says stop; returns training tokens/s.
double trainTokensPerSecond(Trainer& trainer, const std::function<bool(double seconds)>& keepGoing) {
  const auto start = std::chrono::steady_clock::now();
  uint64_t steps = 0;
  while (keepGoing(secondsSince(start))) {
    trainer.step();
    ++steps;
  }
  const double tokensPerStep = double(trainer.trainConfig().batch) * trainer.modelConfig().context;
  return double(steps) * tokensPerStep / secondsSince(start);
}

// The requests with training on another thread, a typing pause after each; the pause is not counted.
Latency measureWhileTraining(Trainer& trainer, const std::function<void()>& ask, int repeats,
                             double& tokensPerSecond) {
  std::atomic<bool> done{false};
  std::thread training([&] {
    lowerThreadPriority();  // As the studio's training thread does.
    tokensPerSecond = trainTokensPerSecond(trainer, [&](double) { return !done.load(); });
  });
  std::this_thread::sleep_for(kTrainingSettleTime);
  const Latency withPause = measure(repeats, [&] {
    ask();
    std::this_thread::sleep_for(kTypingPause);
  });
  done = true;
  training.join();
  const double pauseMs = std::chrono::duration<double, std::milli>(kTypingPause).count();
  return {withPause.median - pauseMs, withPause.p95 - pauseMs, withPause.max - pauseMs};
}

// Training alone, then the requests alone, then both at once.
BenchPredictResult measureRequests(Trainer& trainer, const std::function<void()>& ask, int repeats) {
  BenchPredictResult r;
  trainer.step();  // Warm-up.
  r.tokensPerSecondAlone = trainTokensPerSecond(trainer, [](double s) { return s < kTrainAloneSeconds; });
  r.idle = measure(repeats, ask);
  r.whileTraining = measureWhileTraining(trainer, ask, repeats, r.tokensPerSecondWithRequests);
  return r;
}

nlohmann::json latencyJson(const Latency& l) {
  return {{"median", l.median}, {"p95", l.p95}, {"max", l.max}};
}

void printJson(const BenchPredictOptions& o, const BenchPredictResult& r) {
  std::cout << nlohmann::json{{"preset", o.preset},
                              {"mode", o.mode->name},
                              {"prompt_tokens", o.tokens},
                              {"idle_ms", latencyJson(r.idle)},
                              {"training_ms", latencyJson(r.whileTraining)},
                              {"train_tokens_per_s_alone", r.tokensPerSecondAlone},
                              {"train_tokens_per_s_with_requests", r.tokensPerSecondWithRequests}}
                   .dump()
            << "\n";
}

void printLatency(const char* condition, const Latency& l) {
  std::printf("%-20s median %6.1f ms   p95 %6.1f ms   max %6.1f ms\n", condition, l.median, l.p95, l.max);
}

void printText(const BenchPredictOptions& o, const BenchPredictResult& r) {
  std::printf("%s %s, prompt of %d tokens, request: %s, %d requests each\n", o.preset.c_str(),
              o.objective.c_str(), o.tokens, o.mode->description, o.repeats);
  printLatency("idle", r.idle);
  printLatency("while training runs", r.whileTraining);
  std::printf("training             %s tokens/s alone, %s tokens/s with a request every ~%lld ms\n",
              formatCount(uint64_t(r.tokensPerSecondAlone)).c_str(),
              formatCount(uint64_t(r.tokensPerSecondWithRequests)).c_str(),
              static_cast<long long>(kTypingPause.count()));
}

}  // namespace

int runBenchPredict(const Args& args) {
  ArgParser p = benchPredictParser();
  if (!p.parseOrPrintHelp(args)) return 0;
  const BenchPredictOptions o = benchPredictOptions(p);
  const BenchCorpus data(o.corpus, "bench-predict", o.json);

  const ModelConfig m =
      ModelConfig::preset(o.preset, parseObjective(o.objective), data.tokenizer->vocabSize());
  TrainConfig t = benchTrainConfig();
  t.device = "cpu";  // The studio's defaults otherwise: all cores, auto.
  Trainer trainer(m, t, data.store, data.tokenizer);
  const Predictor predictor(trainer.snapshot(), data.tokenizer);
  const std::string prompt = corpusPrompt(*data.store, *data.tokenizer, o.tokens);
  NextOptions request;
  request.topK = kPlaygroundTopK;
  request.words = o.mode->words;
  request.promptPieces = o.mode->promptPieces;

  const BenchPredictResult r = measureRequests(
      trainer, [&] { predictor.next(prompt, request); }, o.repeats);
  if (o.json)
    printJson(o, r);
  else
    printText(o, r);
  return 0;
}

}  // namespace pretrain::cli
