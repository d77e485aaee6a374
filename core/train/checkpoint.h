#pragma once
// Opening a checkpoint file: one place that refuses damaged files and those of another format version,
// tokenizer or model shape, for the trainer (resume) and for inference alike.

#include <torch/torch.h>

#include <string>

namespace pretrain {

/// Loads `path` (after checking it against the checksum written beside it, checkpoint_digest.h) and checks
/// its header against what the caller has. Throws InputError saying which part
/// does not match, or that the file is damaged.
torch::serialize::InputArchive openCheckpoint(const std::string& path, const torch::Device& device,
                                              const std::string& tokenizerHash,
                                              const std::string& modelConfigJson);

/// Writes `archive` to `path` so that a full disk or a crash never leaves a short file under that name: to
/// a temporary of its own beside it (createTempBeside), every write, the flush and the close checked, the
/// archive's table of contents read back from the disk, its checksum written beside it, then renamed into
/// place. On failure the temporary
/// is removed, `path` (if it existed) is untouched, and IoError says why ("the disk is full").
void writeCheckpointFile(torch::serialize::OutputArchive& archive, const std::string& path);

/// A scalar or string entry of a checkpoint; throws InputError naming the missing key.
c10::IValue readCheckpointValue(torch::serialize::InputArchive& archive, const std::string& path,
                                const char* key);

}  // namespace pretrain
