#include "run/run_names.h"

#include <filesystem>

#include "util/content_hash.h"

namespace pretrain {

std::string newRunDir(const std::string& runsFolder, std::time_t start) {
  std::tm local{};
  localtime_r(&start, &local);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
  const std::string stem = runsFolder + "/" + stamp;
  std::string dir = stem;
  std::error_code ec;
  for (int n = 2; std::filesystem::exists(dir, ec); ++n) dir = stem + "-" + std::to_string(n);
  return dir;
}

std::string preparedDataDir(const std::string& preparedRoot, const std::vector<std::string>& inputs,
                            const TokenizerOptions& tokenizer) {
  ContentHash h;
  for (const std::string& input : inputs) {
    h.add(input);
    h.add("\n");
  }
  h.add(tokenizerTypeName(tokenizer.type));
  h.addU64(uint64_t(tokenizer.vocabSize));
  const std::string hex = h.hex();  // "xxh3:" + 16 hex digits
  return preparedRoot + "/" + hex.substr(hex.find(':') + 1);
}

}  // namespace pretrain
