#pragma once
// Trains a SentencePiece tokenizer (BPE or unigram) on a deterministic sample of a corpus, with byte
// fallback (any UTF-8 text encodes without <unk>) and the fixed special tokens of SpecialTokens.

#include <cstdint>
#include <string>
#include <vector>

#include "data/corpus.h"
#include "util/progress.h"

namespace pretrain {

enum class TokenizerType { Bpe, Unigram };
/// "bpe" / "unigram"; throws InputError otherwise.
TokenizerType parseTokenizerType(const std::string& name);
const char* tokenizerTypeName(TokenizerType t);

struct TokenizerOptions {
  TokenizerType type = TokenizerType::Bpe;    // BPE trains ~2x faster than unigram here
  int vocabSize = 8000;                       // pieces, including 256 byte pieces and 5 special tokens
  uint64_t sampleBytes = uint64_t(16) << 20;  // text the trainer sees; bounds its memory (~15x the sample)
  uint64_t seed = 17;                         // which lines the sample keeps
  int threads = 0;                            // BPE trainer threads; 0 = all cores (unigram: always 4)
};

/// What training did, for the statistics and for tokenizer-info.json.
struct TokenizerReport {
  std::string type;
  int vocabSize = 0;
  uint64_t corpusBytes = 0;  ///< Raw bytes of the whole corpus.
  uint64_t sampleBytes = 0;  ///< UTF-8 bytes the trainer saw.
  uint64_t sampleLines = 0;
  bool sampled = false;     ///< True when the trainer saw only part of the corpus.
  uint64_t splitLines = 0;  ///< Over-long lines cut before training (none are dropped).
  double seconds = 0;
};

/// The smallest vocabulary any corpus can have: 256 byte pieces and the special tokens.
constexpr int kMinVocabSize = 256 + 5;

/// Trains and writes `modelPath` (and `modelPath` with .vocab for reading) atomically; the scratch files
/// live beside it and are removed whatever happens. Throws InputError for a vocabulary size the corpus
/// cannot support (saying what would work), Cancelled, or Error when training itself fails.
TokenizerReport trainTokenizer(const std::vector<CorpusFile>& files, TextEncoding encoding,
                               const TokenizerOptions& options, const std::string& modelPath,
                               const ProgressFn& progress = {});

}  // namespace pretrain
