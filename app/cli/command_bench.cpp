// pretrain bench tokenizer: the speed figures the README reports, measured on this machine in one run.
// `pretrain bench` itself only picks the subcommand (train and predict have files of their own).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/bench_setup.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/progress_line.h"
#include "cli/scratch_path.h"
#include "settings/arg_parser.h"
#include "tokenizer/token_store_builder.h"
#include "tokenizer/tokenize_corpus.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/word_cache_encoder.h"
#include "util/atomic_file.h"

namespace pretrain::cli {
namespace {

constexpr double kMegabyte = 1e6;  // Decimal, as formatBytes prints sizes.

// The corpus's lines in memory, so that encoding is timed without reading or writing files.
struct CorpusLines {
  std::vector<std::string> lines;
  uint64_t bytes = 0;
};

// Encoding throughput in MB/s, through SentencePiece as it is and through the word cache `tokenize` uses.
struct EncodeSpeeds {
  double plainOneThread = 0, plainAllCores = 0, cachedOneThread = 0, cachedAllCores = 0;
};

struct TokenizerBench {
  TokenizeResult tokenize;
  unsigned cores = 1;
  EncodeSpeeds encode;
  double storeMegabytesPerSecond = 0;
  double peakRssMegabytes = 0, peakTrainerRssMegabytes = 0;  // this process; the tokenizer trainer's
};

CorpusLines readLines(const CorpusSpec& corpus) {
  CorpusLines out;
  CorpusReader reader(listCorpusFiles(corpus), corpus.encoding);
  for (CorpusEvent ev; reader.next(ev);) {
    if (ev.kind != CorpusEvent::Kind::Line) continue;
    out.bytes += ev.text.size();
    out.lines.push_back(std::move(ev.text));
  }
  return out;
}

// The lines split across `threads` threads, each line given to SentencePiece as it is or through the word
// cache.
double encodeMegabytesPerSecond(const Tokenizer& tok, const CorpusLines& corpus, unsigned threads,
                                bool wordCache) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      // Each thread a contiguous share of the lines, in batches as `tokenize` reads them: one round trip
      // to the tokenizer helper per batch (for the cache, only the words it has not seen).
      const size_t begin = corpus.lines.size() * t / threads, end = corpus.lines.size() * (t + 1) / threads;
      WordCacheEncoder cached(tok);
      std::vector<int32_t> ids;
      std::vector<size_t> ends;
      for (size_t from = begin; from < end;) {
        std::vector<std::string_view> batch;
        for (size_t bytes = 0; from < end && bytes < kEncodeBatchBytes; ++from) {
          batch.push_back(corpus.lines[from]);
          bytes += corpus.lines[from].size();
        }
        ids.clear();
        ends.clear();
        if (wordCache)
          cached.encodeLines(batch, ids, ends);
        else
          tok.encodeBatch(batch);
      }
    });
  for (auto& th : pool) th.join();
  return double(corpus.bytes) / kMegabyte / secondsSince(start);
}

EncodeSpeeds measureEncoding(const Tokenizer& tok, const CorpusLines& corpus, unsigned cores) {
  EncodeSpeeds s;
  s.plainOneThread = encodeMegabytesPerSecond(tok, corpus, 1, false);
  s.plainAllCores = encodeMegabytesPerSecond(tok, corpus, cores, false);
  s.cachedOneThread = encodeMegabytesPerSecond(tok, corpus, 1, true);
  s.cachedAllCores = encodeMegabytesPerSecond(tok, corpus, cores, true);
  return s;
}

double peakMegabytes(int who) {
  rusage u{};
  getrusage(who, &u);
  return double(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux.
}

ArgParser tokenizerBenchParser() {
  ArgParser p(
      "pretrain bench tokenizer --corpus PATH [options]",
      "Measures, on this machine: tokenizer training time, encoding throughput on 1 thread and on all\n"
      "cores, and the whole tokenize command (train + encode + store) from scratch in a temporary folder.");
  p.required("corpus", "PATH", "corpus to measure on (file or folder)", true);
  p.option("vocab-size", "N", "tokenizer vocabulary size", "8000");
  p.option("type", "bpe|unigram", "SentencePiece model type", "bpe");
  p.flag("json", "print one JSON object instead of text");
  return p;
}

// The whole tokenize command from scratch, then encoding alone on the tokenizer it trained.
TokenizerBench measureTokenizer(const CorpusSpec& corpus, const TokenizeOptions& options, bool quiet) {
  const ScratchDir scratch(scratchPath("bench"));
  TokenizerBench b;
  ProgressLine progress(quiet);
  b.tokenize = tokenizeCorpus(corpus, scratch.path(), options, progress.callback());
  progress.finish();
  const TokenStoreManifest& m = b.tokenize.manifest;
  b.storeMegabytesPerSecond = double(m.textBytes) / kMegabyte / m.seconds;

  const CorpusLines lines = readLines(corpus);
  const auto tok = Tokenizer::load(tokenizerModelPath(scratch.path()));
  b.cores = std::max(1u, std::thread::hardware_concurrency());
  b.encode = measureEncoding(*tok, lines, b.cores);
  b.peakRssMegabytes = peakMegabytes(RUSAGE_SELF);
  b.peakTrainerRssMegabytes = peakMegabytes(RUSAGE_CHILDREN);
  return b;
}

void printJson(const TokenizerBench& b) {
  const TokenizeResult& r = b.tokenize;
  const nlohmann::json j = {{"corpus_bytes", r.manifest.corpusBytes},
                            {"tokens", r.manifest.tokens},
                            {"vocab_size", r.manifest.vocabSize},
                            {"type", r.tokenizerType},
                            {"cores", b.cores},
                            {"tokenizer_train_seconds", r.tokenizerTrained->seconds},
                            {"store_build_seconds", r.manifest.seconds},
                            {"tokenize_total_seconds", r.seconds},
                            {"store_build_mb_per_s", b.storeMegabytesPerSecond},
                            {"encode_mb_per_s_1_thread", b.encode.cachedOneThread},
                            {"encode_mb_per_s_all_cores", b.encode.cachedAllCores},
                            {"sentencepiece_mb_per_s_1_thread", b.encode.plainOneThread},
                            {"sentencepiece_mb_per_s_all_cores", b.encode.plainAllCores},
                            {"peak_rss_mb", b.peakRssMegabytes},
                            {"peak_rss_tokenizer_trainer_mb", b.peakTrainerRssMegabytes}};
  std::cout << j.dump() << "\n";
}

void printText(const TokenizerBench& b) {
  const TokenizeResult& r = b.tokenize;
  const EncodeSpeeds& e = b.encode;
  std::printf("corpus                 %s, %s tokens, %s %d\n",
              formatBytes(double(r.manifest.corpusBytes)).c_str(), formatCount(r.manifest.tokens).c_str(),
              r.tokenizerType.c_str(), r.manifest.vocabSize);
  std::printf("tokenizer training     %.2f s\n", r.tokenizerTrained->seconds);
  std::printf("store build            %.2f s (%.1f MB/s: read + encode + write)\n", r.manifest.seconds,
              b.storeMegabytesPerSecond);
  std::printf("tokenize, end to end   %.2f s\n", r.seconds);
  std::printf("encoding, word cache   %.1f MB/s on 1 thread, %.1f MB/s on %u cores\n", e.cachedOneThread,
              e.cachedAllCores, b.cores);
  std::printf("encoding, plain SP     %.1f MB/s on 1 thread, %.1f MB/s on %u cores (cache speed-up x%.1f)\n",
              e.plainOneThread, e.plainAllCores, b.cores, e.cachedAllCores / e.plainAllCores);
  std::printf("peak memory            %.0f MB (this process), %.0f MB (tokenizer trainer)\n",
              b.peakRssMegabytes, b.peakTrainerRssMegabytes);
}

int runBenchTokenizer(const Args& args) {
  ArgParser p = tokenizerBenchParser();
  if (!p.parseOrPrintHelp(args)) return 0;
  CorpusSpec corpus;
  corpus.inputs = p.values("corpus");
  TokenizeOptions o;
  o.tokenizer.type = parseTokenizerType(p.value("type"));
  o.tokenizer.vocabSize = int(p.integer("vocab-size", 1, 1 << 24));
  const bool json = p.isSet("json");
  const TokenizerBench b = measureTokenizer(corpus, o, json);
  if (json)
    printJson(b);
  else
    printText(b);
  return 0;
}

}  // namespace

int runBench(const Args& args) {
  const std::string what = args.empty() ? "" : args[0];
  const Args rest = args.empty() ? Args{} : Args(args.begin() + 1, args.end());
  if (what == "tokenizer") return runBenchTokenizer(rest);
  if (what == "train") return runBenchTrain(rest);
  if (what == "predict") return runBenchPredict(rest);
  if (what == "--help") {
    std::cout
        << "usage: pretrain bench tokenizer|train|predict [options]   ('pretrain bench train --help')\n\n"
        << tokenizerBenchParser().help();
    return 0;
  }
  throw UsageError("say what to measure: 'pretrain bench tokenizer', 'train' or 'predict'");
}

}  // namespace pretrain::cli
