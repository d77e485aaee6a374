#pragma once
// What differs between the LibTorch versions the engine builds against (Debian's 1.13, PyTorch's 2.x), in
// one place: the rest of the engine calls these and never tests the version itself.
// Shapes: B batch, h heads, T queries, S keys, P shared keys, d channels per head.

#include <torch/torch.h>

#include <functional>
#include <string>
#include <vector>

namespace pretrain::compat {

/// "1.13.1", "2.11.0".
std::string libtorchVersion();

/// Whether attention runs through scaled_dot_product_attention (LibTorch 2.x: flash and memory-efficient
/// kernels on CUDA, a fused kernel on the CPU); 1.13 computes it with matmul and softmax.
bool hasFusedAttention();

struct AttentionInputs {
  torch::Tensor q;     ///< (B, h, T, d): the last T positions.
  torch::Tensor k, v;  ///< (B, h, S, d), S >= T: every row's own keys and values, the queries' last.
  torch::Tensor sharedK,
      sharedV;          ///< (1, h, P, d) or undefined: keys before all of those, seen by every row.
  bool causal = false;  ///< Query t sees the shared keys and its row's keys up to S - T + t.
  double dropout = 0;   ///< On the attention weights, while training.
  bool training = false;
};

/// softmax(q k^T / sqrt(d)) v -> (B, h, T, d), by scaled_dot_product_attention where there is one.
torch::Tensor attention(const AttentionInputs& in);
/// The same by matmul and softmax, as every LibTorch can (and 1.13 does): the reference the fused kernels
/// are tested against. The shared keys are broadcast over the rows rather than copied to each, since the
/// Playground continues one prompt in many ways at once.
torch::Tensor matmulAttention(const AttentionInputs& in);

/// Autocast to bfloat16 on or off for `device` in the calling thread (autocast is thread-local).
void setBf16Autocast(torch::DeviceType device, bool enabled);

/// Whether there is a fused AdamW for parameters on `device` (one kernel over all of them: 2.x's own on CUDA
/// and CPU; on 1.13, one of the engine's for the CPU).
bool hasFusedAdamW(const torch::Device& device);

/// The C++ AdamW's state of `param`, made (zero moments, step 0) when it has none yet: where it is kept
/// differs between versions. Checkpoints store this state, whichever way the update runs.
torch::optim::AdamWParamState& adamWState(torch::optim::AdamW& optimizer, const torch::Tensor& param);

/// Adds `value` (a one-element tensor) to every tensor of `tensors`, in one kernel where there is one.
void addToAll(const std::vector<torch::Tensor>& tensors, const torch::Tensor& value);

/// Tensors of one parameter group, for fusedAdamW().
struct AdamWGroup {
  std::vector<torch::Tensor> params, grads, expAvgs, expAvgSqs, steps;
  double weightDecay = 0;
};

/// One AdamW update of `group` by the fused kernel, the gradients first multiplied by `gradScale` (the
/// clipping factor); skipped where `foundInf` is non-zero. Both are one-element float tensors on the
/// parameters' device, read with no host synchronisation. Only where hasFusedAdamW().
void fusedAdamW(AdamWGroup& group, double lr, double beta1, double beta2, double eps,
                const torch::Tensor& gradScale, const torch::Tensor& foundInf);

/// Where the time of some work went, by LibTorch's profiler.
struct ProfileRow {
  std::string name;
  int64_t calls = 0;
  double ms = 0;  ///< GPU kernels: their time on the device; CPU operators: as WorkProfile::rows says.
};
struct WorkProfile {
  double wallMs = 0;           ///< The work from start to end, as the host saw it.
  double deviceBusyMs = 0;     ///< GPU kernels' time (0 for CPU work): wall minus this is the GPU idle.
  int64_t kernelLaunches = 0;  ///< GPU kernels run.
  /// Largest first: GPU kernels for CUDA work; for CPU work, operators by their own time on 1.13 and by
  /// their time with what they call on 2.x (so rows overlap there).
  std::vector<ProfileRow> rows;
};
/// Runs `work` under the profiler (Kineto on 2.x, which sees GPU kernels; the CPU-only legacy profiler on
/// 1.13) and sums what it saw by name. `cuda`: the work runs on a GPU (synchronised before the end).
WorkProfile profile(const std::function<void()>& work, bool cuda);

}  // namespace pretrain::compat
