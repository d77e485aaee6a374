#include "compute/torch_compat.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include "compute/cpu_adamw.h"

// The two LibTorch generations this engine knows: Debian's 1.13, and 2.4 or later, where autocast takes a
// device type, AdamW has a fused CPU and CUDA kernel and attention a fused operator. 2.0 to 2.3 have only
// part of that: refused here rather than half supported.
#define PRETRAIN_TORCH_2_4 (TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4))
#if TORCH_VERSION_MAJOR == 2 && !PRETRAIN_TORCH_2_4
#error "LibTorch 2.0 to 2.3 is not supported: use Debian's 1.13, or 2.4 and later"
#endif

#if PRETRAIN_TORCH_2_4
#include <torch/csrc/autograd/profiler_kineto.h>
#else
#include <torch/csrc/autograd/profiler_legacy.h>
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

namespace pretrain::compat {
namespace {

// The queries are the last T of the S keys: query t sees the keys up to S - T + t. Added to the scores,
// -inf where a query must not look.
torch::Tensor futureMask(int64_t T, int64_t S, const torch::TensorOptions& options) {
  return torch::full({T, S}, -std::numeric_limits<float>::infinity(), options).triu(1 + S - T);
}

// q k^T x scale (B, h, T, S) with the causal mask added, as one batched multiply: baddbmm's alpha and its
// added input carry the scale and the mask, which as operations of their own made four more passes over the
// scores (forward and backward; ~6% of a tiny bf16 step on 2 cores).
torch::Tensor scores(const torch::Tensor& q, const torch::Tensor& k, double scale, bool causal) {
  const int64_t B = q.size(0), h = q.size(1), T = q.size(2), S = k.size(2), d = q.size(3);
  const torch::Tensor q3 = q.reshape({B * h, T, d}), kT = k.reshape({B * h, S, d}).transpose(1, 2);
  const torch::Tensor att =
      causal ? torch::baddbmm(futureMask(T, S, q.options()), q3, kT, 1.0, scale) : torch::bmm(q3 * scale, kT);
  return att.view({B, h, T, S});
}

}  // namespace

torch::Tensor matmulAttention(const AttentionInputs& in) {
  const double scale = 1.0 / std::sqrt(double(in.q.size(-1)));
  torch::Tensor att = scores(in.q, in.k, scale, in.causal);  // (B, h, T, S)
  const int64_t S = in.k.size(2), P = in.sharedK.defined() ? in.sharedK.size(2) : 0;
  if (P > 0) att = torch::cat({torch::matmul(in.q, in.sharedK.transpose(-2, -1)) * scale, att}, -1);
  att = torch::dropout(torch::softmax(att, -1), in.dropout, in.training);
  torch::Tensor out = torch::matmul(att.narrow(-1, P, S), in.v);
  if (P > 0) out = out + torch::matmul(att.narrow(-1, 0, P), in.sharedV);
  return out;
}

namespace {

std::vector<ProfileRow> largestFirst(const std::map<std::string, ProfileRow>& byName) {
  std::vector<ProfileRow> rows;
  for (const auto& [name, row] : byName) rows.push_back(row);
  std::sort(rows.begin(), rows.end(), [](const ProfileRow& a, const ProfileRow& b) { return a.ms > b.ms; });
  return rows;
}

}  // namespace

std::string libtorchVersion() { return TORCH_VERSION; }

namespace {

torch::optim::AdamWParamState& stateIn(std::unique_ptr<torch::optim::OptimizerParamState>& slot,
                                       const torch::Tensor& param) {
  if (!slot) {
    auto state = std::make_unique<torch::optim::AdamWParamState>();
    state->exp_avg(torch::zeros_like(param, torch::MemoryFormat::Preserve));
    state->exp_avg_sq(torch::zeros_like(param, torch::MemoryFormat::Preserve));
    slot = std::move(state);
  }
  return static_cast<torch::optim::AdamWParamState&>(*slot);
}

}  // namespace

#if PRETRAIN_TORCH_2_4

bool hasFusedAttention() { return true; }

torch::Tensor attention(const AttentionInputs& in) {
  torch::Tensor k = in.k, v = in.v;
  if (in.sharedK.defined() && in.sharedK.size(2) > 0) {
    const int64_t B = in.q.size(0);
    k = torch::cat({in.sharedK.expand({B, -1, -1, -1}), k}, 2);
    v = torch::cat({in.sharedV.expand({B, -1, -1, -1}), v}, 2);
  }
  const int64_t T = in.q.size(2), S = k.size(2);
  const double dropout = in.training ? in.dropout : 0.0;
  if (!in.causal || S == T)  // The kernels' own causal mask is aligned at the first key.
    return at::scaled_dot_product_attention(in.q, k, v, {}, dropout, in.causal);
  return at::scaled_dot_product_attention(in.q, k, v, futureMask(T, S, in.q.options()), dropout);
}

WorkProfile profile(const std::function<void()>& work, bool cuda) {
  namespace prof = torch::autograd::profiler;
  using torch::profiler::impl::ActivityType;
  const prof::ProfilerConfig config(prof::ProfilerState::KINETO);
  std::set<ActivityType> activities = {ActivityType::CPU};
  if (cuda) activities.insert(ActivityType::CUDA);
  prof::prepareProfiler(config, activities);
  prof::enableProfiler(config, activities);
  const auto start = std::chrono::steady_clock::now();
  work();
  if (cuda) torch::cuda::synchronize();
  WorkProfile out;
  out.wallMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const std::unique_ptr<prof::ProfilerResult> result = prof::disableProfiler();
  std::map<std::string, ProfileRow> byName;
  for (const prof::KinetoEvent& e : result->events()) {
    const bool kernel = e.deviceType() == c10::DeviceType::CUDA;
    if (kernel != cuda) continue;  // GPU work: its kernels; CPU work: its operators (time with children)
    ProfileRow& row = byName[e.name()];
    row.name = e.name();
    ++row.calls;
    row.ms += double(e.durationNs()) / 1e6;
    if (!kernel) continue;
    out.deviceBusyMs += double(e.durationNs()) / 1e6;
    ++out.kernelLaunches;
  }
  out.rows = largestFirst(byName);
  return out;
}

void setBf16Autocast(torch::DeviceType device, bool enabled) {
  at::autocast::set_autocast_dtype(device, at::kBFloat16);
  at::autocast::set_autocast_enabled(device, enabled);
}

bool hasFusedAdamW(const torch::Device&) { return true; }

torch::optim::AdamWParamState& adamWState(torch::optim::AdamW& optimizer, const torch::Tensor& param) {
  return stateIn(optimizer.state()[param.unsafeGetTensorImpl()], param);
}

void addToAll(const std::vector<torch::Tensor>& tensors, const torch::Tensor& value) {
  at::_foreach_add_(tensors, value);
}

void fusedAdamW(AdamWGroup& g, double lr, double beta1, double beta2, double eps,
                const torch::Tensor& gradScale, const torch::Tensor& foundInf) {
  if (g.params.empty()) return;
  at::_foreach_mul_(g.grads, gradScale);
  at::_fused_adamw_(g.params, g.grads, g.expAvgs, g.expAvgSqs, {}, g.steps, lr, beta1, beta2, g.weightDecay,
                    eps,
                    /*amsgrad=*/false, /*maximize=*/false, /*grad_scale=*/{}, foundInf);
}

#else

bool hasFusedAttention() { return false; }

torch::Tensor attention(const AttentionInputs& in) { return matmulAttention(in); }

WorkProfile profile(const std::function<void()>& work, bool cuda) {
  namespace prof = torch::autograd::profiler;
  prof::enableProfilerLegacy(
      torch::profiler::impl::ProfilerConfig(torch::profiler::impl::ProfilerState::CPU));
  const auto start = std::chrono::steady_clock::now();
  work();
  if (cuda) torch::cuda::synchronize();
  WorkProfile out;
  out.wallMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  // Self time: each range's time less its children's, pairing pushes and pops per thread.
  std::map<std::string, ProfileRow> byName;
  for (const auto& thread : prof::disableProfilerLegacy()) {
    struct Open {
      const prof::LegacyEvent* push;
      double children;
    };
    std::vector<Open> stack;
    for (const prof::LegacyEvent& e : thread) {
      if (e.kind() == prof::EventKind::PushRange) stack.push_back({&e, 0.0});
      if (e.kind() != prof::EventKind::PopRange || stack.empty()) continue;
      const Open open = stack.back();
      stack.pop_back();
      const double total = open.push->cpuElapsedUs(e) / 1000.0;
      ProfileRow& row = byName[open.push->name()];
      row.name = open.push->name();
      ++row.calls;
      row.ms += total - open.children;
      if (!stack.empty()) stack.back().children += total;
    }
  }
  out.rows = largestFirst(byName);
  return out;
}

void setBf16Autocast(torch::DeviceType device, bool enabled) {
  if (device == torch::kCUDA) {
    at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    at::autocast::set_enabled(enabled);
  } else {
    at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    at::autocast::set_cpu_enabled(enabled);
  }
}

// 1.13 has no fused AdamW: CPU parameters get the engine's (cpu_adamw.h), CUDA ones none.
bool hasFusedAdamW(const torch::Device& device) { return device.is_cpu(); }

torch::optim::AdamWParamState& adamWState(torch::optim::AdamW& optimizer, const torch::Tensor& param) {
  return stateIn(optimizer.state()[c10::guts::to_string(param.unsafeGetTensorImpl())], param);
}

void addToAll(const std::vector<torch::Tensor>& tensors, const torch::Tensor& value) {
  for (const torch::Tensor& t : tensors) t.add_(value);
}

void fusedAdamW(AdamWGroup& g, double lr, double beta1, double beta2, double eps,
                const torch::Tensor& gradScale, const torch::Tensor& foundInf) {
  if (foundInf.item<float>() != 0) return;  // On the CPU reading it costs nothing.
  const float scale = gradScale.item<float>();
  for (size_t i = 0; i < g.params.size(); ++i) {
    const torch::Tensor &p = g.params[i], &grad = g.grads[i], &m = g.expAvgs[i], &v = g.expAvgSqs[i];
    for (const torch::Tensor* t : {&p, &grad, &m, &v})
      TORCH_CHECK(t->is_cpu() && t->scalar_type() == torch::kFloat && t->is_contiguous(),
                  "the CPU AdamW takes contiguous fp32 CPU tensors");
    const double step = g.steps[i].item<double>();
    AdamWCoefficients c;
    c.decay = float(1 - lr * g.weightDecay);
    c.beta1 = float(beta1);
    c.beta2 = float(beta2);
    c.stepSize = float(lr / (1 - std::pow(beta1, step)));
    c.biasCorrection2Sqrt = float(std::sqrt(1 - std::pow(beta2, step)));
    c.eps = float(eps);
    c.gradScale = scale;
    adamWUpdate(p.data_ptr<float>(), grad.data_ptr<float>(), m.data_ptr<float>(), v.data_ptr<float>(),
                p.numel(), c);
  }
}

#endif

}  // namespace pretrain::compat
