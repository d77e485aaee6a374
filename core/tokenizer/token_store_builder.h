#pragma once
// Tokenizes a corpus into a token store (token_store.h), streaming: memory depends on the batch size and
// the vocabulary, never on the corpus size. Lines are encoded on all cores; output order is the corpus order.

#include <cstdint>
#include <string>
#include <vector>

#include "data/corpus.h"
#include "data/token_store.h"
#include "util/progress.h"

namespace pretrain {

class Tokenizer;

/// Text read per batch before it is encoded on all cores: large enough to keep every thread busy and to
/// make the round trips to the tokenizer helper few, small enough that memory stays bounded whatever the
/// corpus size.
constexpr size_t kEncodeBatchBytes = size_t(2) << 20;

struct TokenStoreOptions {
  double validationFraction = 0.05;  // share of documents (every 20th by default) held out for validation
  uint64_t minTokens = 129;          // one training window of the smallest preset (context 128, plus 1)
  int threads = 0;                   // encoding threads; 0 = all cores
  int topTokens = 20;                // how many of the most frequent tokens the manifest lists
};

/// Builds the store into `dir`, replacing any store there only once the new one is complete. Throws
/// InputError for unreadable text or a corpus smaller than options.minTokens, Cancelled, IoError.
TokenStoreManifest buildTokenStore(const std::vector<CorpusFile>& files, TextEncoding encoding,
                                   const Tokenizer& tokenizer, const std::string& dir,
                                   const TokenStoreOptions& options = {}, const ProgressFn& progress = {});

}  // namespace pretrain
