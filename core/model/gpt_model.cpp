#include "model/gpt_model.h"

namespace pretrain {

namespace nn = torch::nn;

GptModel::GptModel(const ModelConfig& c) : LanguageModel(c) {
  m_wte = register_module("wte", nn::Embedding(tiedEmbedding(c.vocabSize, c.dim)));
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

torch::Tensor GptModel::embed(const torch::Tensor& ids, int64_t past) {
  const int64_t T = ids.size(1);
  TORCH_CHECK(past + T <= config().context, "sequence of ", past + T, " tokens is longer than the context ",
              config().context);
  const auto positions =
      torch::arange(past, past + T, torch::TensorOptions().dtype(torch::kLong).device(ids.device()));
  return torch::dropout(m_wte(ids) + m_wpe(positions), config().dropout, is_training());  // (B, T, C)
}

torch::Tensor GptModel::run(const torch::Tensor& ids, std::vector<KvCache>* cache) {
  torch::Tensor x = embed(ids, cache ? cache->front().length() : 0);
  for (size_t i = 0; i < m_blocks->size(); ++i)
    x = (*m_blocks)[i]->as<TransformerBlock>()->forward(x, cache ? &(*cache)[i] : nullptr);
  return readout(x);
}

LayerTrace GptModel::trace(const torch::Tensor& ids) {
  LayerTrace t;
  torch::Tensor x = embed(ids, 0);
  for (const auto& block : *m_blocks) {
    t.attention.emplace_back();
    x = block->as<TransformerBlock>()->forward(x, t.attention.back());
    t.residuals.push_back(x);
  }
  return t;
}

torch::Tensor GptModel::readout(const torch::Tensor& residual) {
  return torch::linear(m_lnF(residual), m_wte->weight);  // (B, T, V), weights tied to wte
}

std::vector<torch::Tensor> GptModel::embeddingParameters() { return {m_wte->weight, m_wpe->weight}; }

std::vector<torch::Tensor> GptModel::blockParameters(int index) {
  return m_blocks[size_t(index)]->parameters();
}

}  // namespace pretrain
