#pragma once
// Which devices this build can train on here, for the studio's Model page. No LibTorch in this header.

#include <string>

namespace pretrain {

/// Whether this build's LibTorch has CUDA and a GPU is present.
bool cudaAvailable();
/// Whether `device` (cpu | cuda | auto, as --device takes it) trains on a GPU here.
bool trainsOnGpu(const std::string& device);
/// What "auto" picks here, in words: "cuda (1 GPU)" or "cpu (2 cores)".
std::string automaticDeviceDescription();

}  // namespace pretrain
