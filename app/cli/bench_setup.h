#pragma once
// What `bench train` and `bench predict` share: their common options, a corpus tokenized with the default
// settings into a scratch folder, a trainer configuration for timing rather than training, and a stopwatch.

#include <chrono>
#include <memory>
#include <string>

#include "data/token_store.h"
#include "settings/arg_parser.h"
#include "tokenizer/tokenizer.h"
#include "train/train_config.h"
#include "util/atomic_file.h"

namespace pretrain::cli {

/// The options both benches have (each declares them with its own help): --corpus, --objective, --json.
struct BenchOptions {
  std::string corpus, objective;
  bool json = false;
};
void readBenchOptions(const ArgParser& p, BenchOptions& o);

/// A corpus tokenized for a bench; its scratch folder is deleted with everything in it on the way out.
struct BenchCorpus {
  /// Tokenizes `corpus` into scratchPath(`scratchName`), with a progress line unless `quiet`. Throws as
  /// tokenizeCorpus does.
  BenchCorpus(const std::string& corpus, const std::string& scratchName, bool quiet);

  ScratchDir folder;
  std::shared_ptr<const Tokenizer> tokenizer;
  std::shared_ptr<const TokenStore> store;
};

/// The studio's defaults, except a run that never ends while it is timed and a short warmup.
TrainConfig benchTrainConfig();

double secondsSince(std::chrono::steady_clock::time_point start);

}  // namespace pretrain::cli
