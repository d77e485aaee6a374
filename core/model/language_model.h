#pragma once
// The interface the trainer and inference use, whatever the objective: token ids in, logits out.
// Shapes: B batch, T time, V vocabulary.

#include <torch/torch.h>

#include <memory>
#include <vector>

#include "model/model_config.h"

namespace pretrain {

/// A forward pass with its insides kept, for the views of the model (logit lens, attention maps).
struct LayerTrace {
  std::vector<torch::Tensor> residuals;  ///< The residual stream after each block: (B, T, C).
  std::vector<torch::Tensor> attention;  ///< Each block's attention weights: (B, h, T, T), rows summing to 1.
};

class LanguageModel : public torch::nn::Module {
 public:
  explicit LanguageModel(ModelConfig config) : m_config(std::move(config)) {}
  const ModelConfig& config() const { return m_config; }
  /// ids: (B, T) int64 with T <= context -> logits (B, T, V). For a causal model, position t predicts
  /// token t+1; for a masked model, each position predicts its own (original) token.
  virtual torch::Tensor forward(const torch::Tensor& ids) = 0;
  /// forward() that keeps each block's output and attention weights (computed explicitly, not fused: slower,
  /// for inspection only). readout(residuals.back()) is forward()'s output.
  virtual LayerTrace trace(const torch::Tensor& ids) = 0;
  /// What the model would output were its residual stream to end here (B, T, C) -> logits (B, T, V): the
  /// final LayerNorm and the output layer (causal), the masked-LM head (masked). The logit lens.
  virtual torch::Tensor readout(const torch::Tensor& residual) = 0;
  /// The parameters that turn ids into the first residual stream: token and position embeddings (and the
  /// masked model's embedding LayerNorm). The output layer shares the token embedding's weights.
  virtual std::vector<torch::Tensor> embeddingParameters() = 0;
  /// The parameters of Transformer block `index` (0 = the one nearest the embeddings).
  virtual std::vector<torch::Tensor> blockParameters(int index) = 0;

 private:
  ModelConfig m_config;
};

/// A freshly initialised GPT-style (Causal) or BERT-style (Masked) model. Validates the config first.
std::shared_ptr<LanguageModel> makeModel(const ModelConfig& config);

/// A copy with its own weights (for inference while training goes on), in evaluation mode.
std::shared_ptr<LanguageModel> snapshotModel(LanguageModel& model);

}  // namespace pretrain
