#pragma once
// The interface the trainer and inference use, whatever the objective: token ids in, logits out.
// Shapes: B batch, T time, V vocabulary.

#include <torch/torch.h>

#include <memory>

#include "model/model_config.h"

namespace pretrain {

class LanguageModel : public torch::nn::Module {
 public:
  explicit LanguageModel(ModelConfig config) : m_config(std::move(config)) {}
  const ModelConfig& config() const { return m_config; }
  /// ids: (B, T) int64 with T <= context -> logits (B, T, V). For a causal model, position t predicts
  /// token t+1; for a masked model, each position predicts its own (original) token.
  virtual torch::Tensor forward(const torch::Tensor& ids) = 0;

 private:
  ModelConfig m_config;
};

/// A freshly initialised GPT-style (Causal) or BERT-style (Masked) model. Validates the config first.
std::shared_ptr<LanguageModel> makeModel(const ModelConfig& config);

/// A copy with its own weights (for inference while training goes on), in evaluation mode.
std::shared_ptr<LanguageModel> snapshotModel(LanguageModel& model);

}  // namespace pretrain
