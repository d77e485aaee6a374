#pragma once
// The README.md of an exported model (a Hugging Face model card): what it is, what it was trained on and
// how far, and how well it did, from the run's own records. No LibTorch here.

#include <cstdint>
#include <string>

#include "data/token_store.h"
#include "run/run_folder.h"
#include "train/trainer.h"

namespace pretrain {

struct ModelCardFacts {
  RunConfig config;
  int64_t step = 0, tokensSeen = 0, parameters = 0;
  TokenStoreManifest corpus;
  std::string tokenizerType;  ///< "bpe" or "unigram"
  bool evaluated = false;     ///< Whether `eval` holds the last validation at or before `step`.
  EvalMetrics eval;
  std::string date, version;  ///< Of the export, and of the program that made it.
};

std::string modelCard(const ModelCardFacts& facts);

}  // namespace pretrain
