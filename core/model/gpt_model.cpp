#include "model/gpt_model.h"

namespace pretrain {

namespace nn = torch::nn;

GptModel::GptModel(const ModelConfig& c) : LanguageModel(c) {
  m_wte = register_module("wte", nn::Embedding(c.vocabSize, c.dim));
  m_wpe = register_module("wpe", nn::Embedding(c.context, c.dim));
  m_blocks = register_module("h", nn::ModuleList());
  for (int i = 0; i < c.layers; ++i) m_blocks->push_back(TransformerBlock(c, BlockStyle::Gpt2));
  m_lnF = register_module("ln_f", nn::LayerNorm(nn::LayerNormOptions({c.dim}).eps(1e-5)));
  torch::NoGradGuard guard;
  m_wte->weight.normal_(0.0, 0.02);
  m_wpe->weight.normal_(0.0, 0.01);
}

torch::Tensor GptModel::forward(const torch::Tensor& ids) { return run(ids, nullptr); }

torch::Tensor GptModel::forward(const torch::Tensor& ids, std::vector<KvCache>& cache) {
  cache.resize(m_blocks->size());
  return run(ids, &cache);
}

torch::Tensor GptModel::run(const torch::Tensor& ids, std::vector<KvCache>* cache) {
  const int64_t past = cache ? cache->front().length() : 0, T = ids.size(1);
  TORCH_CHECK(past + T <= config().context, "sequence of ", past + T, " tokens is longer than the context ",
              config().context);
  const auto positions =
      torch::arange(past, past + T, torch::TensorOptions().dtype(torch::kLong).device(ids.device()));
  torch::Tensor x = m_wte(ids) + m_wpe(positions);  // (B, T, C)
  x = torch::dropout(x, config().dropout, is_training());
  for (size_t i = 0; i < m_blocks->size(); ++i)
    x = (*m_blocks)[i]->as<TransformerBlock>()->forward(x, cache ? &(*cache)[i] : nullptr);
  x = m_lnF(x);
  return torch::linear(x, m_wte->weight);  // (B, T, V), weights tied to wte
}

}  // namespace pretrain
