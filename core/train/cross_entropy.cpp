#include "train/cross_entropy.h"

#include "compute/bf16_cast.h"
#include "data/mlm_masking.h"

namespace pretrain {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Rows per block: a block of fp32 logits (64 x 8k = 2 MB) stays in the caches between its passes.
constexpr int64_t kRowsPerBlock = 64;

// A contiguous bf16 tensor's values as the bits bf16_cast.h takes.
uint16_t* bf16Data(const torch::Tensor& t) { return reinterpret_cast<uint16_t*>(t.data_ptr<at::BFloat16>()); }

// Applies fn(first row, rows) to each block of rows.
template <typename Fn>
void forEachBlock(int64_t rows, Fn fn) {
  for (int64_t r = 0; r < rows; r += kRowsPerBlock) fn(r, std::min(kRowsPerBlock, rows - r));
}

// The forward pass also works out d loss / d logits = (softmax - one_hot(target)) / divisor (zero where a
// row has no target), while each block of fp32 logits is still in the caches: the softmax then costs one
// exp, not a second one in the backward pass, and the backward pass has nothing left to do (a pass over
// bf16 logits took 5 ms of a 130 ms step) unless a further scale comes from above.
struct BlockwiseCrossEntropy : torch::autograd::Function<BlockwiseCrossEntropy> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& logitsIn,
                               const torch::Tensor& targets, double divisor, bool withGradient) {
    const torch::Tensor logits = logitsIn.contiguous();
    const int64_t V = logits.size(1);
    torch::Tensor loss = torch::zeros({}, logits.options().dtype(torch::kFloat));
    const torch::Tensor grad = withGradient ? torch::empty_like(logits) : torch::Tensor();
    forEachBlock(logits.size(0), [&](int64_t r, int64_t n) {
      torch::Tensor z = torch::empty({n, V}, logits.options().dtype(torch::kFloat));
      const torch::Tensor max = torch::empty({n, 1}, z.options());
      widenBf16LessRowMax(bf16Data(logits) + r * V, z.data_ptr<float>(), n, V, max.data_ptr<float>());
      const torch::Tensor t = targets.narrow(0, r, n);
      const torch::Tensor hasTarget = t.ne(kIgnoreLabel).unsqueeze(1);  // (n, 1)
      const torch::Tensor column = t.clamp_min(0).unsqueeze(1);
      const torch::Tensor picked = z.gather(1, column);             // the target's logit - max
      const torch::Tensor sum = z.exp_().sum(1, /*keepdim=*/true);  // z is now exp(logit - max)
      const torch::Tensor lossRows = sum.log() - picked;            // log-sum-exp - the target's logit
      // Rows without a target count zero, even where their logits overflowed (NaN x 0 would not).
      loss += torch::where(hasTarget, lossRows, torch::zeros_like(lossRows)).sum();
      if (!withGradient) return;
      const torch::Tensor scale = torch::where(hasTarget, sum.reciprocal() / divisor, torch::zeros_like(sum));
      torch::Tensor g = grad.narrow(0, r, n);
      narrowRowsToBf16(z.data_ptr<float>(), bf16Data(g), n, V, scale.contiguous().data_ptr<float>());
      g.scatter_(1, column, (z.gather(1, column) * scale - 1.0 / divisor).to(torch::kBFloat16));
      if (!hasTarget.all().item<bool>()) g.masked_fill_(hasTarget.logical_not(), 0.0);
    });
    ctx->save_for_backward({grad});
    return loss / divisor;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const torch::Tensor grad = ctx->get_saved_variables()[0];
    // A host number (this path is CPU only) keeps the scale in fp32 inside the bf16 multiply.
    const double scale = grads[0].item<double>();
    return {scale == 1.0 ? grad : grad.mul(scale), torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor crossEntropy(const torch::Tensor& logits, const torch::Tensor& targets, double divisor) {
  if (logits.scalar_type() == torch::kBFloat16 && logits.device().is_cpu())
    return BlockwiseCrossEntropy::apply(logits, targets, divisor,
                                        torch::GradMode::is_enabled() && logits.requires_grad());
  const auto options =
      torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnoreLabel).reduction(torch::kSum);
  return torch::nn::functional::cross_entropy(logits.to(torch::kFloat), targets, options) / divisor;
}

}  // namespace pretrain
