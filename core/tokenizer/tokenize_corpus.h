#pragma once
// The whole data preparation in one call, as `pretrain tokenize` and the GUI's Data page run it:
// corpus -> tokenizer (trained unless the folder has one) -> token store (reused while corpus and
// tokenizer are unchanged). Folder layout:
//   DIR/tokenizer.model, DIR/tokenizer.vocab, DIR/tokenizer-info.json, DIR/tokens/{manifest.json,*.bin}

#include <optional>
#include <string>

#include "data/corpus.h"
#include "data/token_store.h"
#include "tokenizer/token_store_builder.h"
#include "tokenizer/tokenizer_trainer.h"
#include "util/progress.h"

namespace pretrain {

struct TokenizeOptions {
  TokenizerOptions tokenizer;
  TokenStoreOptions store;
  /// Set when the caller chose these explicitly: a folder whose tokenizer differs is then refused rather
  /// than silently reused.
  bool tokenizerTypeGiven = false;
  bool vocabSizeGiven = false;
};

struct TokenizeResult {
  TokenStoreManifest manifest;
  std::optional<TokenizerReport> tokenizerTrained;  ///< Set when this call trained the tokenizer.
  std::string tokenizerType;
  bool storeReused = false;  ///< The corpus and tokenizer were unchanged: the existing store was kept.
  double seconds = 0;
};

std::string tokenizerModelPath(const std::string& dir);
std::string tokenStoreDir(const std::string& dir);

/// Puts the tokenizer of a prepared folder `from` into `to` (hard links where the file system allows, else
/// copies), so that tokenizeCorpus(..., to, ...) encodes with it instead of training one. Throws IoError.
void reuseTokenizer(const std::string& from, const std::string& to);

/// Puts the tokenizer and token store of a prepared folder `from` into `to` (hard links where the file system
/// allows, else copies), so that tokenizeCorpus(..., to, ...) reuses them. Throws IoError.
void reusePreparedData(const std::string& from, const std::string& to);

/// Throws InputError (bad input, with what to do), Cancelled, IoError; `dir` keeps its earlier valid
/// contents in every case.
TokenizeResult tokenizeCorpus(const CorpusSpec& corpus, const std::string& dir,
                              const TokenizeOptions& options, const ProgressFn& progress = {});

}  // namespace pretrain
