#include "tokenizer/tokenize_corpus.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tokenizer/tokenizer.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace pretrain {
namespace {

std::string infoPath(const std::string& dir) { return dir + "/tokenizer-info.json"; }

void writeInfo(const std::string& dir, const TokenizerReport& r, const std::string& hash) {
  const json j = {{"type", r.type},
                  {"vocab_size", r.vocabSize},
                  {"model_hash", hash},
                  {"corpus_bytes", r.corpusBytes},
                  {"sample_bytes", r.sampleBytes},
                  {"sample_lines", r.sampleLines},
                  {"sampled", r.sampled},
                  {"split_lines", r.splitLines},
                  {"seconds", r.seconds}};
  writeFileAtomic(infoPath(dir), j.dump(2) + "\n");
}

// The type recorded when the tokenizer was trained here ("" when the folder's model came from elsewhere).
std::string recordedType(const std::string& dir) {
  std::ifstream in(infoPath(dir));
  std::stringstream ss;
  ss << in.rdbuf();
  const json j = json::parse(ss.str(), nullptr, false);
  return j.is_object() && j.contains("type") && j["type"].is_string() ? j["type"].get<std::string>() : "";
}

void checkRequestMatches(const Tokenizer& tok, const std::string& type, const std::string& dir,
                         const TokenizeOptions& o) {
  if (o.vocabSizeGiven && tok.vocabSize() != o.tokenizer.vocabSize)
    throw InputError(dir + " already has a tokenizer with vocabulary size " +
                     std::to_string(tok.vocabSize()) + ", not " + std::to_string(o.tokenizer.vocabSize) +
                     "; use another output folder to train a new one");
  const std::string wanted = tokenizerTypeName(o.tokenizer.type);
  if (o.tokenizerTypeGiven && !type.empty() && type != wanted)
    throw InputError(dir + " already has a " + type + " tokenizer, not " + wanted +
                     "; use another output folder to train a new one");
}

}  // namespace

namespace {

// `src` at `dst`: a hard link where the file system allows, else a copy; nothing when `src` is missing.
void place(const fs::path& src, const fs::path& dst) {
  std::error_code e;
  if (!fs::exists(src, e)) return;
  fs::create_directories(dst.parent_path(), e);
  fs::remove(dst, e);
  fs::create_hard_link(src, dst, e);
  if (e && !fs::copy_file(src, dst, fs::copy_options::overwrite_existing, e))
    throw IoError("cannot copy " + src.string() + " to " + dst.string() + ": " + e.message());
}

}  // namespace

void reuseTokenizer(const std::string& from, const std::string& to) {
  for (const char* name : {"tokenizer.model", "tokenizer.vocab", "tokenizer-info.json"})
    place(fs::path(from) / name, fs::path(to) / name);
}

void reusePreparedData(const std::string& from, const std::string& to) {
  reuseTokenizer(from, to);
  // The manifest last: until it is there, the copied store is not valid and would be rebuilt.
  for (const char* name : {"train.bin", "validation.bin", "manifest.json"})
    place(fs::path(tokenStoreDir(from)) / name, fs::path(tokenStoreDir(to)) / name);
}

std::string tokenizerModelPath(const std::string& dir) { return dir + "/tokenizer.model"; }
std::string tokenStoreDir(const std::string& dir) { return dir + "/tokens"; }

TokenizeResult tokenizeCorpus(const CorpusSpec& corpus, const std::string& dir,
                              const TokenizeOptions& options, const ProgressFn& progress) {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<CorpusFile> files = listCorpusFiles(corpus);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw IoError("cannot create output folder " + dir + ": " + ec.message());

  TokenizeResult result;
  const std::string modelPath = tokenizerModelPath(dir);
  if (!fs::exists(modelPath, ec)) {
    result.tokenizerTrained = trainTokenizer(files, corpus.encoding, options.tokenizer, modelPath, progress);
  }
  const auto tokenizer = Tokenizer::load(modelPath);
  if (result.tokenizerTrained) {
    writeInfo(dir, *result.tokenizerTrained, tokenizer->hash());
    result.tokenizerType = result.tokenizerTrained->type;
  } else {
    result.tokenizerType = recordedType(dir);
    checkRequestMatches(*tokenizer, result.tokenizerType, dir, options);
  }

  const std::string storeDir = tokenStoreDir(dir);
  const std::string contentHash = corpusContentHash(files, corpus.encoding, progress);
  if (TokenStore::isValid(storeDir, contentHash, tokenizer->hash())) {
    result.manifest = TokenStore(storeDir).manifest();
    result.storeReused = true;
  } else {
    result.manifest = buildTokenStore(files, corpus.encoding, *tokenizer, storeDir, options.store, progress);
    if (result.manifest.contentHash != contentHash)
      throw IoError("the corpus changed while it was being tokenized; run again");
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace pretrain
