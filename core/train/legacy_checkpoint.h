#pragma once
// Checkpoint format 1: LibTorch's TorchScript archive (step-NNNNNNNN.pt) with its checksum beside it
// (step-NNNNNNNN.pt.digest). LibTorch's pickle/TorchScript importer runs whatever such a file describes
// and crashes on some damaged ones (found by fuzzing under AddressSanitizer), so this reader is used only
// by `pretrain upgrade-run`, which a person runs on a run they trust, to convert it to format 2.

#include <torch/torch.h>

#include <string>

namespace pretrain {

class AdamW;

inline std::string legacyDigestPath(const std::string& checkpoint) { return checkpoint + ".digest"; }

/// Where training stood in a format-1 checkpoint.
struct LegacyPosition {
  int64_t step = 0;
  int64_t tokensSeen = 0;
  double elapsed = 0;
  int64_t badSteps = 0;
  std::string dataRng;
  torch::Tensor torchRng;
};

/// Reads the format-1 checkpoint `path` into `model` and `optimizer` after checking its checksum, format,
/// tokenizer and model shape. Throws InputError saying what does not match, or that it is damaged.
LegacyPosition readLegacyCheckpoint(const std::string& path, const std::string& tokenizerHash,
                                    const std::string& modelConfigJson, torch::nn::Module& model,
                                    AdamW& optimizer);

}  // namespace pretrain
