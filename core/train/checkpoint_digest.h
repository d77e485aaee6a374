#pragma once
// Each checkpoint's checksum lives beside it (step-NNNNNNNN.pt.digest): LibTorch's archives carry none that
// its reader checks, so damage inside the tensors' bytes would otherwise load as weights. Written when the
// checkpoint is, checked when it is opened, removed with it. No LibTorch here.

#include <string>

namespace pretrain {

inline std::string checkpointDigestPath(const std::string& checkpoint) { return checkpoint + ".digest"; }

}  // namespace pretrain
