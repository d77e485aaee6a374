#pragma once
// The training loss: cross-entropy over the positions that have a target (not kIgnoreLabel), in fp32
// whatever the logits' type. LibTorch in this header: only train/ includes it.

#include <torch/torch.h>

namespace pretrain {

/// Sum over rows of logits (N, V) of -log softmax(row)[target], divided by `divisor` (a mean over the
/// targets is the sum divided by their count). bf16 logits on the CPU go through a row at a time
/// (compute/bf16_cross_entropy.h), so their fp32 copy and log-softmax never exist in full (at an 8k
/// vocabulary those took ~15% of a bf16 step on a 2-core CPU), and their gradient is made in the same pass
/// as the loss, already divided; other logits go through LibTorch's own cross_entropy.
torch::Tensor crossEntropy(const torch::Tensor& logits, const torch::Tensor& targets, double divisor);

}  // namespace pretrain
