#pragma once
// Opening a checkpoint file: one place that refuses damaged files and those of another format version,
// tokenizer or model shape, for the trainer (resume) and for inference alike.

#include <torch/torch.h>

#include <string>

namespace pretrain {

/// Loads `path` and checks its header against what the caller has. Throws InputError saying which part
/// does not match, or that the file is damaged.
torch::serialize::InputArchive openCheckpoint(const std::string& path, const torch::Device& device,
                                              const std::string& tokenizerHash,
                                              const std::string& modelConfigJson);

/// A scalar or string entry of a checkpoint; throws InputError naming the missing key.
c10::IValue readCheckpointValue(torch::serialize::InputArchive& archive, const std::string& path,
                                const char* key);

}  // namespace pretrain
