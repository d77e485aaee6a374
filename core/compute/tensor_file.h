#pragma once
// LibTorch tensors to and from safetensors files (util/safetensors.h): the dtype names, the copy to the
// CPU before writing, and the checks that a tensor read from a file fits the one it is read into.

#include <torch/torch.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "util/safetensors.h"

namespace pretrain {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

/// Writes `tensors` (on any device) with `metadata` through writeSafetensorsFile (atomic, checked; IoError
/// "cannot write <what> <path>: ...").
void writeTensorFile(const std::string& path, const NamedTensors& tensors,
                     std::map<std::string, std::string> metadata, const std::string& what);

/// The tensor `name` of `file` as a CPU tensor of its own shape. Throws InputError when it is missing or
/// its dtype has no LibTorch counterpart.
torch::Tensor readTensor(const SafetensorsFile& file, const std::string& name);

/// The tensor `name` of `file` copied into `target` (any device), which it must match in shape, and in
/// dtype unless `convert` (then its values are converted to the target's dtype). Throws InputError naming
/// the tensor when it is missing or differs.
void readTensorInto(const SafetensorsFile& file, const std::string& name, const torch::Tensor& target,
                    bool convert = false);

}  // namespace pretrain
