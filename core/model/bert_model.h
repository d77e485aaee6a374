#pragma once
// BERT-style encoder (Devlin et al. 2019) for masked language modeling: token + position embeddings and
// LayerNorm, post-LN bidirectional blocks, MLM head (dense, GELU, LayerNorm, projection tied to the token
// embedding, plus a bias). Parameter names as in BERT checkpoints: embeddings.*, encoder.layer.N.*,
// cls.predictions.transform.*, cls.predictions.bias. No token-type embeddings: one segment only
// (an exporter writes zeros for them).
// Shapes: B batch, T time, C width, V vocabulary.

#include "model/language_model.h"
#include "model/transformer_block.h"

namespace pretrain {

class BertModel : public LanguageModel {
 public:
  explicit BertModel(const ModelConfig& config);
  torch::Tensor forward(const torch::Tensor& ids) override;
  LayerTrace trace(const torch::Tensor& ids) override;
  torch::Tensor readout(const torch::Tensor& residual) override;
  std::vector<torch::Tensor> embeddingParameters() override;
  std::vector<torch::Tensor> blockParameters(int index) override;

 private:
  torch::Tensor embed(const torch::Tensor& ids);

  torch::nn::Embedding m_words{nullptr}, m_positions{nullptr};
  torch::nn::LayerNorm m_embedNorm{nullptr}, m_headNorm{nullptr};
  torch::nn::ModuleList m_layers{nullptr};
  torch::nn::Linear m_headDense{nullptr};
  torch::Tensor m_outputBias;
};

}  // namespace pretrain
