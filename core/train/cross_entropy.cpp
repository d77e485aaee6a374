#include "train/cross_entropy.h"

#include "data/mlm_masking.h"

namespace pretrain {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Rows per block: a block of fp32 logits (64 x 8k = 2 MB) stays in the caches between its passes.
constexpr int64_t kRowsPerBlock = 64;

// Applies fn(first row, rows) to each block of rows.
template <typename Fn>
void forEachBlock(int64_t rows, Fn fn) {
  for (int64_t r = 0; r < rows; r += kRowsPerBlock) fn(r, std::min(kRowsPerBlock, rows - r));
}

struct BlockwiseCrossEntropy : torch::autograd::Function<BlockwiseCrossEntropy> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& logits,
                               const torch::Tensor& targets) {
    const torch::Tensor lse = torch::empty({logits.size(0)}, logits.options().dtype(torch::kFloat));
    torch::Tensor loss = torch::zeros({}, lse.options());
    forEachBlock(logits.size(0), [&](int64_t r, int64_t n) {
      const torch::Tensor z = logits.narrow(0, r, n).to(torch::kFloat);  // (n, V)
      const torch::Tensor t = targets.narrow(0, r, n);
      const torch::Tensor l = z.logsumexp(1);
      lse.narrow(0, r, n).copy_(l);
      const torch::Tensor picked = z.gather(1, t.clamp_min(0).unsqueeze(1)).squeeze(1);
      // Rows without a target count zero, even where their logits overflowed (NaN x 0 would not).
      loss += torch::where(t.ne(kIgnoreLabel), l - picked, torch::zeros_like(l)).sum();
    });
    ctx->save_for_backward({logits, targets, lse});
    return loss;
  }

  // d loss / d logits = (softmax - one_hot(target)) x the incoming gradient, where there is a target.
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const variable_list saved = ctx->get_saved_variables();
    const torch::Tensor &logits = saved[0], &targets = saved[1], &lse = saved[2];
    const torch::Tensor scale = grads[0].to(torch::kFloat);
    torch::Tensor grad = torch::empty_like(logits);
    forEachBlock(logits.size(0), [&](int64_t r, int64_t n) {
      const torch::Tensor t = targets.narrow(0, r, n);
      const torch::Tensor target = t.ne(kIgnoreLabel).unsqueeze(1);  // (n, 1)
      const torch::Tensor valid = target.to(torch::kFloat);
      torch::Tensor p = (logits.narrow(0, r, n).to(torch::kFloat) - lse.narrow(0, r, n).unsqueeze(1)).exp_();
      p.scatter_add_(1, t.clamp_min(0).unsqueeze(1), -valid);
      grad.narrow(0, r, n).copy_(torch::where(target, p * scale, torch::zeros_like(p)));
    });
    return {grad, torch::Tensor()};
  }
};

}  // namespace

torch::Tensor crossEntropySum(const torch::Tensor& logits, const torch::Tensor& targets) {
  if (logits.scalar_type() == torch::kBFloat16 && logits.device().is_cpu())
    return BlockwiseCrossEntropy::apply(logits, targets);
  const auto options =
      torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnoreLabel).reduction(torch::kSum);
  return torch::nn::functional::cross_entropy(logits.to(torch::kFloat), targets, options);
}

}  // namespace pretrain
