#pragma once
// A tokenized corpus on disk: train.bin and validation.bin (flat little-endian uint16 when the vocabulary
// fits, else uint32; every document ends with </s>) and manifest.json describing them. A store of pairs
// (corpus.h) also has train.pairs.bin and validation.pairs.bin: for each pair in order, two little-endian
// uint32, its input's tokens and its output's (the </s> that ends the pair included). Read through memory
// maps. A store folder is published by renaming it into place with its manifest written last, so a folder
// without a matching manifest is never a valid store.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "util/mapped_file.h"

namespace pretrain {

constexpr int kTokenStoreFormatVersion = 1;

enum class TokenSplit { Train, Validation };

struct TokenFrequency {
  int32_t id = 0;
  std::string piece;
  uint64_t count = 0;
};

/// Everything manifest.json records. Counts of tokens include the </s> that ends each document.
struct TokenStoreManifest {
  int formatVersion = kTokenStoreFormatVersion;
  std::string kind = "text";  ///< "text", or "pairs" (each document an input and its output).
  std::string contentHash;    ///< Of the corpus bytes (cache key, with tokenizerHash).
  std::string tokenizerHash;  ///< Of the tokenizer model the tokens came from.
  int vocabSize = 0;
  int bytesPerToken = 2;  ///< 2 (uint16) or 4 (uint32).
  std::vector<std::string> sources;
  std::string encoding;      ///< How the corpus was read ("utf-8", ...).
  uint64_t corpusBytes = 0;  ///< Raw bytes of the inputs.
  uint64_t textBytes = 0;    ///< UTF-8 bytes of the text that was tokenized.
  uint64_t documents = 0;
  uint64_t words = 0;  ///< Whitespace-separated words.
  uint64_t tokens = 0;
  uint64_t unknownTokens = 0;
  uint64_t splitLines = 0;  ///< Over-long lines cut into pieces (none dropped).
  double validationFraction = 0;
  std::string splitMethod;  ///< "documents" (every 1/fraction-th document) or "tail" (too few documents).
  uint64_t trainTokens = 0, validationTokens = 0;
  /// ContentHash of train.bin and validation.bin as written (empty in stores of older builds: not checked).
  std::string trainDigest, validationDigest;
  std::string trainPairsDigest, validationPairsDigest;  ///< Of the pair files (stores of pairs only).
  uint64_t trainDocuments = 0, validationDocuments = 0;
  uint64_t validationTextBytes = 0;       ///< For bits per byte; estimated from the token share for "tail".
  std::vector<TokenFrequency> topTokens;  ///< The most frequent tokens, most frequent first.
  double seconds = 0;                     ///< Time to build.

  std::string toJson() const;
  /// Throws InputError naming `where` when the text is not a manifest of a known format.
  static TokenStoreManifest fromJson(const std::string& text, const std::string& where);
};

/// Opens a store folder read-only. Throws InputError when it is missing, incomplete or corrupt.
/// Where a store in `dir` keeps `split`'s tokens: dir/train.bin or dir/validation.bin.
std::string tokenStoreFile(const std::string& dir, TokenSplit split);
/// Where a store of pairs keeps `split`'s pair lengths: dir/train.pairs.bin or dir/validation.pairs.bin.
std::string tokenStorePairsFile(const std::string& dir, TokenSplit split);

/// One pair of a split: its tokens are [start, start + inputTokens + outputTokens), the output's last.
struct PairSpan {
  uint64_t start = 0;
  uint32_t inputTokens = 0, outputTokens = 0;
  uint64_t tokens() const { return uint64_t(inputTokens) + outputTokens; }
};

class TokenStore {
 public:
  /// Opens the store in `dir`, checking its files in one pass each: their sizes and checksums against the
  /// manifest, and every token id below the vocabulary size (a damaged file would otherwise index
  /// past the model's embedding). Throws InputError naming what is damaged.
  explicit TokenStore(const std::string& dir);

  const TokenStoreManifest& manifest() const { return m_manifest; }
  const std::string& dir() const { return m_dir; }
  uint64_t size(TokenSplit split) const;
  uint32_t at(TokenSplit split, uint64_t index) const;
  bool holdsPairs() const { return m_manifest.kind == "pairs"; }
  /// The pairs of `split` in order (empty in a store of text).
  const std::vector<PairSpan>& pairs(TokenSplit split) const {
    return split == TokenSplit::Train ? m_trainPairs : m_validationPairs;
  }
  /// Copies tokens [offset, offset+count) of `split` into `out`; throws std::out_of_range past the end.
  void read(TokenSplit split, uint64_t offset, uint64_t count, int64_t* out) const;

  /// True when `dir` holds a complete store whose manifest matches both hashes (the cache test).
  static bool isValid(const std::string& dir, const std::string& contentHash,
                      const std::string& tokenizerHash);

 private:
  const MappedFile& file(TokenSplit split) const {
    return split == TokenSplit::Train ? m_train : m_validation;
  }
  std::string m_dir;
  TokenStoreManifest m_manifest;
  MappedFile m_train, m_validation;
  std::vector<PairSpan> m_trainPairs, m_validationPairs;

  void loadPairs(TokenSplit split);
};

}  // namespace pretrain
