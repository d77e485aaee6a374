#include "train/checkpoint.h"

#include <cmath>
#include <cstdio>
#include <set>

#include "model/model_config.h"
#include "util/error.h"

namespace pretrain {
namespace {

const char* formatName(CheckpointKind kind) {
  return kind == CheckpointKind::Checkpoint ? "pretrain-studio checkpoint" : "pretrain-studio snapshot";
}
const std::string kModelPrefix = "model.";

}  // namespace

void writeCheckpoint(const std::string& path, const NamedTensors& tensors,
                     std::map<std::string, std::string> metadata, const std::string& tokenizerHash,
                     const std::string& modelConfigJson, CheckpointKind kind) {
  metadata["format"] = formatName(kind);
  metadata["format_version"] = std::to_string(kCheckpointFormatVersion);
  metadata["tokenizer_hash"] = tokenizerHash;
  metadata["model_config"] = modelConfigJson;
  writeTensorFile(path, tensors, std::move(metadata),
                  kind == CheckpointKind::Checkpoint ? "checkpoint" : "snapshot");
}

NamedTensors modelTensors(torch::nn::Module& model) {
  NamedTensors tensors;
  for (const auto& p : model.named_parameters()) tensors.emplace_back(kModelPrefix + p.key(), p.value());
  for (const auto& b : model.named_buffers()) tensors.emplace_back(kModelPrefix + b.key(), b.value());
  return tensors;
}

Checkpoint::Checkpoint(const std::string& path, const std::string& tokenizerHash,
                       const std::string& modelConfigJson, CheckpointKind kind)
    : m_kind(kind) {
  try {
    m_file = std::make_unique<SafetensorsFile>(path);
  } catch (const InputError& e) {
    throw InputError("checkpoint " + std::string(e.what()));
  }
  const auto format = m_file->metadata().find("format");
  if (format == m_file->metadata().end() || format->second != formatName(kind))
    throw InputError("checkpoint " + path + " is a safetensors file but not a Pretrain Studio " +
                     (kind == CheckpointKind::Checkpoint ? "checkpoint" : "snapshot"));
  // Damage anywhere, header or tensors, before any of it is believed.
  if (!m_file->checksumMatches())
    throw InputError("checkpoint " + path +
                     " is damaged (its bytes do not match the checksum written with it)");
  if (text("format_version") != std::to_string(kCheckpointFormatVersion))
    throw InputError("checkpoint " + path + " has format version " + text("format_version") +
                     "; this build reads " + std::to_string(kCheckpointFormatVersion));
  if (text("tokenizer_hash") != tokenizerHash)
    throw InputError("checkpoint " + path + " was trained with another tokenizer (" + text("tokenizer_hash") +
                     ", this run has " + tokenizerHash + ")");
  // Compared as configurations, not as text: fields added later read with the defaults of their time.
  try {
    if (ModelConfig::fromJson(text("model_config")) == ModelConfig::fromJson(modelConfigJson)) return;
  } catch (const Error&) {
  }
  throw InputError("checkpoint " + path + " holds a model of another shape: " + text("model_config"));
}

const std::string& Checkpoint::text(const std::string& key) const {
  const auto it = m_file->metadata().find(key);
  if (it == m_file->metadata().end())
    throw InputError("checkpoint " + path() + " lacks '" + key + "' (damaged?)");
  return it->second;
}

int64_t Checkpoint::count(const std::string& key) const {
  const std::string& s = text(key);
  long long v = -1;
  int used = 0;
  if (std::sscanf(s.c_str(), "%lld%n", &v, &used) != 1 || size_t(used) != s.size() || v < 0)
    throw InputError("checkpoint " + path() + " has '" + key + "' = '" + s + "', not a count");
  return v;
}

double Checkpoint::number(const std::string& key) const {
  const std::string& s = text(key);
  double v = -1;
  int used = 0;
  if (std::sscanf(s.c_str(), "%lf%n", &v, &used) != 1 || size_t(used) != s.size() || !std::isfinite(v) ||
      v < 0)
    throw InputError("checkpoint " + path() + " has '" + key + "' = '" + s + "', not a number");
  return v;
}

void Checkpoint::loadModel(torch::nn::Module& model) const {
  const NamedTensors tensors = modelTensors(model);
  std::set<std::string> expected;
  for (const auto& t : tensors) expected.insert(t.first);
  for (const SafetensorsEntry& e : m_file->entries())
    if (e.name.compare(0, kModelPrefix.size(), kModelPrefix) == 0 && !expected.count(e.name))
      throw InputError("checkpoint " + path() + " holds " + e.name + ", which this model does not have");
  for (const auto& [name, tensor] : tensors)
    readTensorInto(*m_file, name, tensor, /*convert=*/m_kind == CheckpointKind::Snapshot);
}

}  // namespace pretrain
