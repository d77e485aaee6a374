#pragma once
// Checkpoints: safetensors files (util/safetensors.h) whose reader executes nothing and checks every
// offset, so that opening a run folder from someone else cannot run code or crash the app. The model's
// tensors are stored as "model.<name>", the optimizer's as "optimizer.<name>.<part>", the dropout
// generator's state as "rng.torch"; the metadata holds the format version, the tokenizer and model shape
// it belongs to, where training stands, and a checksum of the whole file.

#include <torch/torch.h>

#include <map>
#include <memory>
#include <string>

#include "compute/tensor_file.h"

namespace pretrain {

/// 1 was LibTorch's TorchScript archive (step-N.pt, read only to convert it: legacy_checkpoint.h).
constexpr int kCheckpointFormatVersion = 2;

/// The two kinds of file: a checkpoint holds everything to go on training; a snapshot (the timeline's)
/// holds only the model's weights, in bf16.
enum class CheckpointKind { Checkpoint, Snapshot };

/// Writes a checkpoint or snapshot of `tensors` and `metadata` (to which the format, `tokenizerHash` and
/// `modelConfigJson` are added) atomically; IoError "cannot write checkpoint <path>: <why>".
void writeCheckpoint(const std::string& path, const NamedTensors& tensors,
                     std::map<std::string, std::string> metadata, const std::string& tokenizerHash,
                     const std::string& modelConfigJson, CheckpointKind kind = CheckpointKind::Checkpoint);

/// The model's parameters and buffers, under the names Checkpoint::loadModel reads.
NamedTensors modelTensors(torch::nn::Module& model);

/// An open checkpoint that has passed its checks.
class Checkpoint {
 public:
  /// Opens `path` and checks its structure, its checksum, its format version, and that it belongs to
  /// this tokenizer and model shape. Throws InputError saying which part does not match, or that the
  /// file is damaged.
  Checkpoint(const std::string& path, const std::string& tokenizerHash, const std::string& modelConfigJson,
             CheckpointKind kind = CheckpointKind::Checkpoint);

  const std::string& path() const { return m_file->path(); }
  /// A metadata value; InputError when it is missing.
  const std::string& text(const std::string& key) const;
  /// A metadata value that must be a whole number >= 0, or a finite number >= 0.
  int64_t count(const std::string& key) const;
  double number(const std::string& key) const;
  const SafetensorsFile& file() const { return *m_file; }
  /// Copies every one of the model's tensors in, after checking that the file holds exactly those (a
  /// snapshot's bf16 values become the model's fp32).
  void loadModel(torch::nn::Module& model) const;

 private:
  std::unique_ptr<SafetensorsFile> m_file;
  CheckpointKind m_kind;
};

}  // namespace pretrain
