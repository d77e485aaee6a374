#pragma once
// The training loss: cross-entropy summed over the positions that have a target (not kIgnoreLabel), in fp32
// whatever the logits' type. LibTorch in this header: only train/ includes it.

#include <torch/torch.h>

namespace pretrain {

/// Sum over rows of logits (N, V) of -log softmax(row)[target]. bf16 logits on the CPU go through a block
/// of rows at a time, forward and backward, so their fp32 copy and log-softmax never exist in full (at an
/// 8k vocabulary those took ~15% of a bf16 step on a 2-core CPU); other logits through LibTorch's own
/// cross_entropy, exactly as before.
torch::Tensor crossEntropySum(const torch::Tensor& logits, const torch::Tensor& targets);

}  // namespace pretrain
