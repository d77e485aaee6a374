#pragma once
// GPT-2-style decoder (Radford et al. 2019): token + learned position embeddings, pre-LN causal blocks,
// final LayerNorm, output projection tied to the token embedding. Parameter names as in GPT-2 checkpoints:
// wte, wpe, h.N.*, ln_f.
// Shapes: B batch, T time, C width, V vocabulary.

#include "model/language_model.h"
#include "model/transformer_block.h"

namespace pretrain {

class GptModel : public LanguageModel {
 public:
  explicit GptModel(const ModelConfig& config);
  torch::Tensor forward(const torch::Tensor& ids) override;
  /// ids: the new positions (B, T), read after those in `cache` (one per block; empty at first), which
  /// grows by them -> logits (B, T, V). Total length at most the context.
  torch::Tensor forward(const torch::Tensor& ids, std::vector<KvCache>& cache);
  LayerTrace trace(const torch::Tensor& ids) override;
  torch::Tensor readout(const torch::Tensor& residual) override;
  std::vector<torch::Tensor> embeddingParameters() override;
  std::vector<torch::Tensor> blockParameters(int index) override;

 private:
  torch::Tensor run(const torch::Tensor& ids, std::vector<KvCache>* cache);
  torch::Tensor embed(const torch::Tensor& ids, int64_t past);

  torch::nn::Embedding m_wte{nullptr}, m_wpe{nullptr};
  torch::nn::ModuleList m_blocks{nullptr};
  torch::nn::LayerNorm m_lnF{nullptr};
};

}  // namespace pretrain
