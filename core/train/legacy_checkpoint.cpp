#include "train/legacy_checkpoint.h"

#include <filesystem>
#include <fstream>

#include "model/model_config.h"
#include "train/adamw.h"
#include "util/content_hash.h"
#include "util/error.h"

namespace pretrain {

LegacyPosition readLegacyCheckpoint(const std::string& path, const std::string& tokenizerHash,
                                    const std::string& modelConfigJson, torch::nn::Module& model,
                                    AdamW& optimizer) {
  std::error_code ec;
  if (std::filesystem::exists(legacyDigestPath(path), ec)) {  // The first builds wrote none.
    std::ifstream in(legacyDigestPath(path));
    std::string expected;
    in >> expected;
    if (hashFile(path, ContentHash::schemeOf(expected)) != expected)
      throw InputError("checkpoint " + path +
                       " is damaged (its bytes do not match the checksum written with it)");
  }
  // LibTorch's reader throws whatever it meets in a damaged archive (c10::Error, std::out_of_range, a
  // value of the wrong type): to a person, all of it says the file is damaged.
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path, model.parameters().front().device());
    const auto read = [&](const char* key) {
      c10::IValue v;
      if (!archive.try_read(key, v))
        throw InputError("checkpoint " + path + " lacks '" + key + "' (damaged?)");
      return v;
    };
    if (read("format_version").toInt() != 1)
      throw InputError("checkpoint " + path + " is not of format version 1");
    if (read("tokenizer_hash").toStringRef() != tokenizerHash)
      throw InputError("checkpoint " + path + " was trained with another tokenizer");
    if (ModelConfig::fromJson(read("model_config").toStringRef()) != ModelConfig::fromJson(modelConfigJson))
      throw InputError("checkpoint " + path + " holds a model of another shape");
    torch::serialize::InputArchive weights, state;
    archive.read("model", weights);
    archive.read("optimizer", state);
    model.load(weights);
    optimizer.load(state);
    LegacyPosition p;
    archive.read("torch_rng", p.torchRng);
    p.step = read("step").toInt();
    p.tokensSeen = read("tokens_seen").toInt();
    p.elapsed = read("elapsed").toDouble();
    p.badSteps = read("bad_steps").toInt();
    p.dataRng = read("data_rng").toStringRef();
    return p;
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw InputError("checkpoint " + path +
                     " is damaged or not a checkpoint (it cannot be read: " + firstLine(e) + ")");
  }
}

}  // namespace pretrain
