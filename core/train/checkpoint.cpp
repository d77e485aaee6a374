#include "train/checkpoint.h"

#include "model/model_config.h"
#include "train/trainer.h"
#include "util/error.h"

namespace pretrain {

c10::IValue readCheckpointValue(torch::serialize::InputArchive& archive, const std::string& path,
                                const char* key) {
  c10::IValue v;
  if (!archive.try_read(key, v)) throw InputError("checkpoint " + path + " lacks '" + key + "' (damaged?)");
  return v;
}

torch::serialize::InputArchive openCheckpoint(const std::string& path, const torch::Device& device,
                                              const std::string& tokenizerHash,
                                              const std::string& modelConfigJson) {
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path, device);
  } catch (const c10::Error&) {
    throw InputError("checkpoint " + path + " is damaged or not a checkpoint (it cannot be read)");
  }
  const int64_t version = readCheckpointValue(archive, path, "format_version").toInt();
  if (version != kCheckpointFormatVersion)
    throw InputError("checkpoint " + path + " has format version " + std::to_string(version) +
                     "; this build reads " + std::to_string(kCheckpointFormatVersion));
  const std::string tokHash = readCheckpointValue(archive, path, "tokenizer_hash").toStringRef();
  if (tokHash != tokenizerHash)
    throw InputError("checkpoint " + path + " was trained with another tokenizer (" + tokHash +
                     ", this run has " + tokenizerHash + ")");
  // Compared as configurations, not as text: fields added later read with the defaults of their time.
  const std::string config = readCheckpointValue(archive, path, "model_config").toStringRef();
  if (ModelConfig::fromJson(config) != ModelConfig::fromJson(modelConfigJson))
    throw InputError("checkpoint " + path + " holds a model of another shape: " + config);
  return archive;
}

}  // namespace pretrain
