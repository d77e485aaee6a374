#include "data/token_store.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "util/content_hash.h"
#include "util/error.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace pretrain {
namespace {

constexpr const char* kManifestName = "manifest.json";
constexpr const char* kTrainName = "train.bin";
constexpr const char* kValidationName = "validation.bin";
constexpr const char* kTrainPairsName = "train.pairs.bin";
constexpr const char* kValidationPairsName = "validation.pairs.bin";

// Little-endian on disk, read byte-wise so the store is portable and alignment never matters.
uint32_t decodeToken(const unsigned char* p, int bytesPerToken) {
  return bytesPerToken == 2 ? uint32_t(p[0] | p[1] << 8)
                            : uint32_t(p[0] | p[1] << 8 | p[2] << 16 | uint32_t(p[3]) << 24);
}

struct TokenFileCheck {
  std::string digest;    // ContentHash of the whole file
  uint32_t largest = 0;  // the largest token id in it
};

// One pass over a token file, read in chunks rather than through the store's map: the pages it reads stay
// in the page cache, not in this process's memory (training then touches only the windows it draws).
TokenFileCheck checkTokenFile(const std::string& path, int bytesPerToken, HashScheme scheme) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw IoError("cannot read " + path + ": " + systemErrorText());
  ContentHash h(scheme);
  TokenFileCheck check;
  std::vector<unsigned char> chunk(1 << 20);  // A multiple of both token sizes: no token spans two chunks.
  for (size_t n; (n = std::fread(chunk.data(), 1, chunk.size(), f.get())) > 0;) {
    h.add(chunk.data(), n);
    for (size_t i = 0; i + size_t(bytesPerToken) <= n; i += size_t(bytesPerToken))
      check.largest = std::max(check.largest, decodeToken(chunk.data() + i, bytesPerToken));
  }
  if (std::ferror(f.get())) throw IoError("cannot read " + path + ": " + systemErrorText());
  check.digest = h.hex();
  return check;
}

std::string readText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string TokenStoreManifest::toJson() const {
  json top = json::array();
  for (const auto& t : topTokens) top.push_back({{"id", t.id}, {"piece", t.piece}, {"count", t.count}});
  const json j = {
      {"format_version", formatVersion},
      {"kind", kind},
      {"content_hash", contentHash},
      {"tokenizer_hash", tokenizerHash},
      {"vocab_size", vocabSize},
      {"dtype", bytesPerToken == 2 ? "uint16" : "uint32"},
      {"sources", sources},
      {"encoding", encoding},
      {"corpus_bytes", corpusBytes},
      {"text_bytes", textBytes},
      {"documents", documents},
      {"words", words},
      {"tokens", tokens},
      {"unknown_tokens", unknownTokens},
      {"split_lines", splitLines},
      {"split",
       {{"method", splitMethod},
        {"validation_fraction", validationFraction},
        {"train",
         {{"file", kTrainName},
          {"tokens", trainTokens},
          {"documents", trainDocuments},
          {"digest", trainDigest}}},
        {"validation",
         {{"file", kValidationName},
          {"tokens", validationTokens},
          {"documents", validationDocuments},
          {"text_bytes", validationTextBytes},
          {"digest", validationDigest}}}}},
      {"top_tokens", top},
      {"seconds", seconds},
  };
  json out = j;
  if (kind == "pairs") {
    out["split"]["train"]["pairs"] = {{"file", kTrainPairsName}, {"digest", trainPairsDigest}};
    out["split"]["validation"]["pairs"] = {{"file", kValidationPairsName}, {"digest", validationPairsDigest}};
  }
  return out.dump(2) + "\n";
}

TokenStoreManifest TokenStoreManifest::fromJson(const std::string& text, const std::string& where) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw InputError(where + " is not valid JSON");
  TokenStoreManifest m;
  try {
    m.formatVersion = j.at("format_version").get<int>();
    if (m.formatVersion != kTokenStoreFormatVersion)
      throw InputError(where + " has format version " + std::to_string(m.formatVersion) +
                       ", this build reads " + std::to_string(kTokenStoreFormatVersion) +
                       "; tokenize the corpus again");
    m.kind = j.value("kind", "text");  // Stores of earlier builds hold text.
    if (m.kind != "text" && m.kind != "pairs") throw InputError(where + ": unknown kind " + m.kind);
    m.contentHash = j.at("content_hash");
    m.tokenizerHash = j.at("tokenizer_hash");
    m.vocabSize = j.at("vocab_size");
    const std::string dtype = j.at("dtype");
    if (dtype != "uint16" && dtype != "uint32") throw InputError(where + ": unknown dtype " + dtype);
    m.bytesPerToken = dtype == "uint16" ? 2 : 4;
    m.sources = j.at("sources").get<std::vector<std::string>>();
    m.encoding = j.at("encoding");
    m.corpusBytes = j.at("corpus_bytes");
    m.textBytes = j.at("text_bytes");
    m.documents = j.at("documents");
    m.words = j.at("words");
    m.tokens = j.at("tokens");
    m.unknownTokens = j.at("unknown_tokens");
    m.splitLines = j.at("split_lines");
    const json& split = j.at("split");
    m.splitMethod = split.at("method");
    m.validationFraction = split.at("validation_fraction");
    m.trainTokens = split.at("train").at("tokens");
    m.trainDocuments = split.at("train").at("documents");
    m.validationTokens = split.at("validation").at("tokens");
    m.validationDocuments = split.at("validation").at("documents");
    m.validationTextBytes = split.at("validation").at("text_bytes");
    m.trainDigest = split.at("train").value("digest", "");
    m.validationDigest = split.at("validation").value("digest", "");
    if (m.kind == "pairs") {
      m.trainPairsDigest = split.at("train").at("pairs").at("digest");
      m.validationPairsDigest = split.at("validation").at("pairs").at("digest");
    }
    for (const json& t : j.at("top_tokens"))
      m.topTokens.push_back({t.at("id"), t.at("piece"), t.at("count")});
    m.seconds = j.at("seconds");
  } catch (const json::exception& e) {
    throw InputError(where + " is incomplete or damaged (" + e.what() + ")");
  }
  return m;
}

std::string tokenStoreFile(const std::string& dir, TokenSplit split) {
  return dir + "/" + (split == TokenSplit::Train ? kTrainName : kValidationName);
}

TokenStore::TokenStore(const std::string& dir) : m_dir(dir) {
  const std::string manifestPath = dir + "/" + kManifestName;
  std::error_code ec;
  if (!fs::exists(manifestPath, ec))
    throw InputError("no token store in " + dir + " (manifest.json is missing)");
  m_manifest = TokenStoreManifest::fromJson(readText(manifestPath), manifestPath);
  m_train = MappedFile(tokenStoreFile(dir, TokenSplit::Train));
  m_validation = MappedFile(tokenStoreFile(dir, TokenSplit::Validation));
  const uint64_t b = uint64_t(m_manifest.bytesPerToken);
  if (m_train.size() != m_manifest.trainTokens * b || m_validation.size() != m_manifest.validationTokens * b)
    throw InputError("token store " + dir + " is damaged: its files do not match manifest.json");
  for (const TokenSplit split : {TokenSplit::Train, TokenSplit::Validation}) {
    const std::string& digest =
        split == TokenSplit::Train ? m_manifest.trainDigest : m_manifest.validationDigest;
    const char* name = split == TokenSplit::Train ? kTrainName : kValidationName;
    // Checked with the scheme that sealed it (stores of older builds: FNV-1a).
    const HashScheme scheme = digest.empty() ? HashScheme::Xxh3 : ContentHash::schemeOf(digest);
    const TokenFileCheck check = checkTokenFile(tokenStoreFile(dir, split), m_manifest.bytesPerToken, scheme);
    if (!digest.empty() && check.digest != digest)
      throw InputError("token store " + dir + " is damaged: " + name + " does not match its checksum");
    if (size(split) > 0 && check.largest >= uint32_t(m_manifest.vocabSize))
      throw InputError("token store " + dir + " is damaged: " + name + " holds token id " +
                       std::to_string(check.largest) + ", outside its vocabulary of " +
                       std::to_string(m_manifest.vocabSize));
    if (holdsPairs()) loadPairs(split);
  }
}

std::string tokenStorePairsFile(const std::string& dir, TokenSplit split) {
  return dir + "/" + (split == TokenSplit::Train ? kTrainPairsName : kValidationPairsName);
}

void TokenStore::loadPairs(TokenSplit split) {
  const std::string path = tokenStorePairsFile(m_dir, split);
  const std::string bytes = readText(path);
  const std::string& digest =
      split == TokenSplit::Train ? m_manifest.trainPairsDigest : m_manifest.validationPairsDigest;
  ContentHash h(ContentHash::schemeOf(digest));
  h.add(bytes.data(), bytes.size());
  const uint64_t documents =
      split == TokenSplit::Train ? m_manifest.trainDocuments : m_manifest.validationDocuments;
  if (h.hex() != digest || bytes.size() != documents * 8)
    throw InputError("token store " + m_dir + " is damaged: " + path + " does not match manifest.json");
  std::vector<PairSpan>& out = split == TokenSplit::Train ? m_trainPairs : m_validationPairs;
  uint64_t start = 0;
  for (size_t i = 0; i < bytes.size(); i += 8) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + i);
    const PairSpan pair{start, decodeToken(p, 4), decodeToken(p + 4, 4)};
    if (pair.outputTokens == 0 || start + pair.tokens() > size(split))
      throw InputError("token store " + m_dir + " is damaged: " + path + " does not fit its tokens");
    out.push_back(pair);
    start += pair.tokens();
  }
  if (start != size(split))
    throw InputError("token store " + m_dir + " is damaged: " + path + " does not fit its tokens");
}

uint64_t TokenStore::size(TokenSplit split) const {
  return file(split).size() / uint64_t(m_manifest.bytesPerToken);
}

uint32_t TokenStore::at(TokenSplit split, uint64_t index) const {
  return decodeToken(file(split).data() + index * uint64_t(m_manifest.bytesPerToken),
                     m_manifest.bytesPerToken);
}

void TokenStore::read(TokenSplit split, uint64_t offset, uint64_t count, int64_t* out) const {
  if (offset + count > size(split)) throw std::out_of_range("token store read past the end");
  for (uint64_t i = 0; i < count; ++i) out[i] = at(split, offset + i);
}

bool TokenStore::isValid(const std::string& dir, const std::string& contentHash,
                         const std::string& tokenizerHash) {
  try {
    const TokenStore store(dir);
    return store.manifest().contentHash == contentHash && store.manifest().tokenizerHash == tokenizerHash;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace pretrain
