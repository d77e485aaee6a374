#include "train/cross_entropy.h"

#include "compute/bf16_cross_entropy.h"
#include "data/mlm_masking.h"

namespace pretrain {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// A contiguous bf16 tensor's values as the bits bf16_cross_entropy.h takes.
uint16_t* bf16Data(const torch::Tensor& t) { return reinterpret_cast<uint16_t*>(t.data_ptr<at::BFloat16>()); }

// The forward pass also works out d loss / d logits = (softmax - one_hot(target)) / divisor (zero where a
// row has no target), while each row is still in the caches: the softmax then costs one exp, not a second
// one in the backward pass, and the backward pass has nothing left to do (a pass over bf16 logits took
// 5 ms of a 130 ms step) unless a further scale comes from above.
struct Bf16CrossEntropy : torch::autograd::Function<Bf16CrossEntropy> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& logitsIn,
                               const torch::Tensor& targetsIn, double divisor, bool withGradient) {
    const torch::Tensor logits = logitsIn.contiguous();
    const torch::Tensor targets = targetsIn.to(torch::kLong).contiguous();
    const int64_t N = logits.size(0), V = logits.size(1);
    TORCH_CHECK((((targets >= 0) & (targets < V)) | (targets == kIgnoreLabel)).all().item<bool>(),
                "a target is outside the vocabulary");
    const torch::Tensor grad = withGradient ? torch::empty_like(logits) : torch::Tensor();
    const torch::Tensor rowLoss = torch::empty({N}, logits.options().dtype(torch::kFloat));
    bf16CrossEntropyRows(bf16Data(logits), N, V, targets.data_ptr<int64_t>(), kIgnoreLabel, divisor,
                         withGradient ? bf16Data(grad) : nullptr, rowLoss.data_ptr<float>());
    ctx->save_for_backward({grad});
    return rowLoss.sum(0, false, torch::kDouble).to(torch::kFloat) / divisor;
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
    return Bf16CrossEntropy::apply(logits, targets, divisor,
                                   torch::GradMode::is_enabled() && logits.requires_grad());
  const auto options =
      torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnoreLabel).reduction(torch::kSum);
  return torch::nn::functional::cross_entropy(logits.to(torch::kFloat), targets, options) / divisor;
}

}  // namespace pretrain
