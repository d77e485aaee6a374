#pragma once
// AdamW (Loshchilov & Hutter 2019) with decoupled weight decay on weight matrices only, global gradient
// clipping, and no update where the loss or a gradient is not finite. Where there is one (2.x; the CPU on
// 1.13) a fused kernel updates every parameter in one pass, and clipping and skipping happen on the device,
// so a step needs no host synchronisation; elsewhere LibTorch's torch::optim::AdamW steps. Either way the
// state is torch::optim::AdamW's, so a checkpoint does not depend on which ran.
// LibTorch in this header: only train/ includes it.

#include <torch/torch.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "compute/tensor_file.h"
#include "compute/torch_compat.h"

namespace pretrain {

class AdamW {
 public:
  /// `weightDecay` applies to weight matrices only (not biases, LayerNorm or position embeddings).
  AdamW(const std::vector<std::pair<std::string, torch::Tensor>>& namedParameters, double weightDecay);

  void zeroGrad();
  /// Clips the gradients to a global norm of `maxNorm` and applies one update at `lr`, unless `loss` or a
  /// gradient is not finite (the weights then stay as they are). Returns the gradient norm before clipping,
  /// a scalar tensor to be read with the loss.
  torch::Tensor step(const torch::Tensor& loss, double lr, double maxNorm);

  /// The state a checkpoint keeps, per parameter: "<name>.exp_avg", "<name>.exp_avg_sq" and "<name>.step"
  /// (an int64 scalar), under the parameter names the optimizer was made with.
  NamedTensors stateTensors();
  /// Reads what stateTensors() wrote, under `prefix`, from `file`. Throws InputError when something is
  /// missing or of another shape.
  void loadState(const SafetensorsFile& file, const std::string& prefix);
  /// The state as format-1 checkpoints kept it (LibTorch's archive; legacy_checkpoint.h).
  void load(torch::serialize::InputArchive& archive);

 private:
  torch::Tensor stepFused(const torch::Tensor& loss, double lr, double maxNorm);
  void prepareFused();

  std::vector<torch::Tensor> m_parameters;  // In the model's order: the norm sums them in that order.
  std::vector<std::string> m_names;         // Theirs, for checkpoints.
  std::unique_ptr<torch::optim::AdamW> m_optimizer;
  bool m_fused;
  std::vector<compat::AdamWGroup> m_groups;  // The fused kernel's view of m_optimizer's state.
  std::vector<torch::Tensor> m_steps;        // Its step counts, on the device.
};

}  // namespace pretrain
