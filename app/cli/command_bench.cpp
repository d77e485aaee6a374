// pretrain bench tokenizer: the speed figures the README reports, measured on this machine in one run.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/arg_parser.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/progress_line.h"
#include "tokenizer/tokenize_corpus.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/word_cache_encoder.h"
#include "util/atomic_file.h"

namespace fs = std::filesystem;

namespace pretrain::cli {
namespace {

double secondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// Encoding alone: the corpus's lines already in memory, split across `threads` threads, each line given
// to SentencePiece as it is or through the word cache that `tokenize` uses.
double encodeMegabytesPerSecond(const Tokenizer& tok, const std::vector<std::string>& lines, uint64_t bytes,
                                unsigned threads, bool wordCache) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      std::vector<int32_t> ids;
      WordCacheEncoder cached(tok);
      for (size_t i = t; i < lines.size(); i += threads) {
        ids.clear();
        wordCache ? cached.encodeAppend(lines[i], ids) : tok.encodeAppend(lines[i], ids);
      }
    });
  for (auto& th : pool) th.join();
  return double(bytes) / 1e6 / secondsSince(start);
}

double peakMegabytes(int who) {
  rusage u{};
  getrusage(who, &u);
  return double(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux.
}

}  // namespace

int runBench(const Args& args) {
  ArgParser p(
      "pretrain bench tokenizer --corpus PATH [options]",
      "Measures, on this machine: tokenizer training time, encoding throughput on 1 thread and on all\n"
      "cores, and the whole tokenize command (train + encode + store) from scratch in a temporary folder.");
  p.required("corpus", "PATH", "corpus to measure on (file or folder)", true);
  p.option("vocab-size", "N", "tokenizer vocabulary size", "8000");
  p.option("type", "bpe|unigram", "SentencePiece model type", "bpe");
  p.flag("json", "print one JSON object instead of text");
  if (!args.empty() && args[0] == "train") return runBenchTrain(Args(args.begin() + 1, args.end()));
  if (!args.empty() && args[0] == "predict") return runBenchPredict(Args(args.begin() + 1, args.end()));
  if (args.empty() || args[0] != "tokenizer") {
    if (!args.empty() && args[0] == "--help") {
      std::cout
          << "usage: pretrain bench tokenizer|train|predict [options]   ('pretrain bench train --help')\n\n"
          << p.help();
      return 0;
    }
    throw UsageError("say what to measure: 'pretrain bench tokenizer', 'train' or 'predict'");
  }
  if (!p.parseOrPrintHelp(Args(args.begin() + 1, args.end()))) return 0;
  CorpusSpec corpus;
  corpus.inputs = p.values("corpus");
  TokenizeOptions o;
  o.tokenizer.type = parseTokenizerType(p.value("type"));
  o.tokenizer.vocabSize = int(p.integer("vocab-size", 1, 1 << 24));
  const bool json = p.isSet("json");

  const fs::path dir = fs::temp_directory_path() / ("pretrain-bench-" + std::to_string(::getpid()));
  const ScratchDir cleanup(dir.string());  // Removed with everything in it on the way out.

  ProgressLine progress(json);
  const TokenizeResult r = tokenizeCorpus(corpus, dir.string(), o, progress.callback());
  progress.finish();

  // Encoding alone, without reading or writing files.
  std::vector<std::string> lines;
  uint64_t bytes = 0;
  CorpusReader reader(listCorpusFiles(corpus), corpus.encoding);
  for (CorpusEvent ev; reader.next(ev);)
    if (ev.kind == CorpusEvent::Kind::Line) bytes += ev.text.size(), lines.push_back(std::move(ev.text));
  const auto tok = Tokenizer::load(tokenizerModelPath(dir.string()));
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const double plain1 = encodeMegabytesPerSecond(*tok, lines, bytes, 1, false);
  const double plainN = encodeMegabytesPerSecond(*tok, lines, bytes, cores, false);
  const double cached1 = encodeMegabytesPerSecond(*tok, lines, bytes, 1, true);
  const double cachedN = encodeMegabytesPerSecond(*tok, lines, bytes, cores, true);

  const double trainSeconds = r.tokenizerTrained->seconds;
  const double storeSeconds = r.manifest.seconds;
  const nlohmann::json j = {{"corpus_bytes", r.manifest.corpusBytes},
                            {"tokens", r.manifest.tokens},
                            {"vocab_size", r.manifest.vocabSize},
                            {"type", r.tokenizerType},
                            {"cores", cores},
                            {"tokenizer_train_seconds", trainSeconds},
                            {"store_build_seconds", storeSeconds},
                            {"tokenize_total_seconds", r.seconds},
                            {"store_build_mb_per_s", double(r.manifest.textBytes) / 1e6 / storeSeconds},
                            {"encode_mb_per_s_1_thread", cached1},
                            {"encode_mb_per_s_all_cores", cachedN},
                            {"sentencepiece_mb_per_s_1_thread", plain1},
                            {"sentencepiece_mb_per_s_all_cores", plainN},
                            {"peak_rss_mb", peakMegabytes(RUSAGE_SELF)},
                            {"peak_rss_tokenizer_trainer_mb", peakMegabytes(RUSAGE_CHILDREN)}};
  if (json) {
    std::cout << j.dump() << "\n";
    return 0;
  }
  std::printf("corpus                 %s, %s tokens, %s %d\n",
              formatBytes(double(r.manifest.corpusBytes)).c_str(), formatCount(r.manifest.tokens).c_str(),
              r.tokenizerType.c_str(), r.manifest.vocabSize);
  std::printf("tokenizer training     %.2f s\n", trainSeconds);
  std::printf("store build            %.2f s (%.1f MB/s: read + encode + write)\n", storeSeconds,
              double(r.manifest.textBytes) / 1e6 / storeSeconds);
  std::printf("tokenize, end to end   %.2f s\n", r.seconds);
  std::printf("encoding, word cache   %.1f MB/s on 1 thread, %.1f MB/s on %u cores\n", cached1, cachedN,
              cores);
  std::printf("encoding, plain SP     %.1f MB/s on 1 thread, %.1f MB/s on %u cores (cache speed-up x%.1f)\n",
              plain1, plainN, cores, cachedN / plainN);
  std::printf("peak memory            %.0f MB (this process), %.0f MB (tokenizer trainer)\n",
              peakMegabytes(RUSAGE_SELF), peakMegabytes(RUSAGE_CHILDREN));
  return 0;
}

}  // namespace pretrain::cli
