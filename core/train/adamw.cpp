#include "train/adamw.h"

#include <cmath>

#include "util/error.h"

namespace pretrain {
namespace {

// AdamW as GPT-3 and most pre-training since: a shorter memory for the second moment (0.95 rather than
// 0.999) keeps large models stable when the gradient's scale shifts.
constexpr double kBeta1 = 0.9, kBeta2 = 0.95, kEps = 1e-8;
// Added to the norm before dividing by it, as torch.nn.utils.clip_grad_norm_ does.
constexpr double kNormEps = 1e-6;

// Decay weight matrices only: not biases, LayerNorm parameters or position embeddings.
bool decays(const std::string& name, const torch::Tensor& p) {
  return p.dim() >= 2 && name.find("wpe") == std::string::npos &&
         name.find("position_embeddings") == std::string::npos;
}

}  // namespace

AdamW::AdamW(const std::vector<std::pair<std::string, torch::Tensor>>& namedParameters, double weightDecay)
    : m_fused(!namedParameters.empty() && compat::hasFusedAdamW(namedParameters.front().second.device())) {
  std::vector<torch::Tensor> decay, noDecay;
  for (const auto& [name, p] : namedParameters) {
    (decays(name, p) ? decay : noDecay).push_back(p);
    m_parameters.push_back(p);
    m_names.push_back(name);
  }
  auto options = [](double wd) {
    return std::make_unique<torch::optim::AdamWOptions>(
        torch::optim::AdamWOptions().betas({kBeta1, kBeta2}).eps(kEps).weight_decay(wd));
  };
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(decay, options(weightDecay));
  groups.emplace_back(noDecay, options(0.0));
  m_optimizer = std::make_unique<torch::optim::AdamW>(groups, torch::optim::AdamWOptions());
}

// Gradients dropped rather than zeroed: the next backward pass writes them afresh (0 + g is g, bit for bit)
// instead of adding to zeros that cost a pass over every parameter's gradient.
void AdamW::zeroGrad() {
  for (torch::Tensor& p : m_parameters) p.mutable_grad() = torch::Tensor();
}

torch::Tensor AdamW::step(const torch::Tensor& loss, double lr, double maxNorm) {
  if (m_fused) return stepFused(loss, lr, maxNorm);
  const double norm = torch::nn::utils::clip_grad_norm_(m_parameters, maxNorm);
  if (std::isfinite(norm) && std::isfinite(loss.item<double>())) {
    for (auto& group : m_optimizer->param_groups())
      static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
    m_optimizer->step();
  }
  return torch::tensor(norm, torch::kDouble);
}

void AdamW::prepareFused() {
  m_groups.clear();
  m_steps.clear();
  for (auto& group : m_optimizer->param_groups()) {
    compat::AdamWGroup g;
    g.weightDecay = static_cast<torch::optim::AdamWOptions&>(group.options()).weight_decay();
    for (const torch::Tensor& p : group.params()) {
      torch::optim::AdamWParamState& state = compat::adamWState(*m_optimizer, p);
      g.params.push_back(p);
      g.expAvgs.push_back(state.exp_avg());
      g.expAvgSqs.push_back(state.exp_avg_sq());
      g.steps.push_back(
          torch::full({}, double(state.step()), torch::dtype(torch::kFloat).device(p.device())));
      m_steps.push_back(g.steps.back());
    }
    m_groups.push_back(std::move(g));
  }
}

torch::Tensor AdamW::stepFused(const torch::Tensor& loss, double lr, double maxNorm) {
  if (m_groups.empty()) prepareFused();
  std::vector<torch::Tensor> grads;
  for (compat::AdamWGroup& g : m_groups) {
    g.grads.clear();
    for (const torch::Tensor& p : g.params)  // A parameter no loss reached this step: a zero gradient.
      g.grads.push_back(p.grad().defined() ? p.grad() : torch::zeros_like(p));
    grads.insert(grads.end(), g.grads.begin(), g.grads.end());
  }
  const torch::Tensor norm = torch::stack(at::_foreach_norm(grads)).norm();
  const torch::Tensor clip = (maxNorm / (norm + kNormEps)).clamp_max(1.0).to(torch::kFloat);
  // A non-finite loss or gradient: the kernel leaves everything as it was, and the step counts stay.
  const torch::Tensor bad =
      torch::logical_not(torch::isfinite(norm) & torch::isfinite(loss)).to(torch::kFloat);
  compat::addToAll(m_steps, 1.0 - bad);
  for (compat::AdamWGroup& g : m_groups) compat::fusedAdamW(g, lr, kBeta1, kBeta2, kEps, clip, bad);
  return norm;
}

NamedTensors AdamW::stateTensors() {
  if (m_fused && !m_groups.empty()) {  // The step counts back into the state that is saved.
    size_t i = 0;
    for (const compat::AdamWGroup& g : m_groups)
      for (const torch::Tensor& p : g.params)
        compat::adamWState(*m_optimizer, p).step(std::llround(m_steps[i++].item<double>()));
  }
  // A parameter not yet stepped gets the state its first step would make (zeros, step 0).
  NamedTensors tensors;
  for (size_t i = 0; i < m_parameters.size(); ++i) {
    torch::optim::AdamWParamState& state = compat::adamWState(*m_optimizer, m_parameters[i]);
    tensors.emplace_back(m_names[i] + ".exp_avg", state.exp_avg());
    tensors.emplace_back(m_names[i] + ".exp_avg_sq", state.exp_avg_sq());
    tensors.emplace_back(m_names[i] + ".step", torch::tensor(int64_t(state.step()), torch::kInt64));
  }
  return tensors;
}

void AdamW::loadState(const SafetensorsFile& file, const std::string& prefix) {
  for (size_t i = 0; i < m_parameters.size(); ++i) {
    torch::optim::AdamWParamState& state = compat::adamWState(*m_optimizer, m_parameters[i]);
    const std::string name = prefix + m_names[i];
    readTensorInto(file, name + ".exp_avg", state.exp_avg());
    readTensorInto(file, name + ".exp_avg_sq", state.exp_avg_sq());
    const torch::Tensor step = torch::empty({}, torch::kInt64);
    readTensorInto(file, name + ".step", step);
    if (step.item<int64_t>() < 0) throw InputError(file.path() + ": " + name + ".step is negative");
    state.step(step.item<int64_t>());
  }
  m_groups.clear();  // The fused view is made again from the loaded state.
  m_steps.clear();
}

void AdamW::load(torch::serialize::InputArchive& archive) {
  m_optimizer->load(archive);
  m_groups.clear();  // The fused view is made again from the loaded state.
  m_steps.clear();
}

}  // namespace pretrain
