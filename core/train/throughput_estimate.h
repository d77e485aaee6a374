#pragma once
// A training-speed estimate for a model before it is trained, for the Model page: the model's FLOPs per
// token against this machine's measured matrix-multiply peak, at the utilisation `pretrain bench train`
// measured for the presets here (about 70% for tiny, up to 90% for larger models in fp32).
// No LibTorch in this header.

#include "model/model_config.h"

namespace pretrain {

/// Measures the peak once per process (about a second, on all cores, CPU fp32) and returns the estimate
/// in tokens per second. Call it off the GUI thread.
double estimateTrainingTokensPerSecond(const ModelConfig& model);

}  // namespace pretrain
