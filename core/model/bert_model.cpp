#include "model/bert_model.h"

namespace pretrain {

namespace nn = torch::nn;

BertModel::BertModel(const ModelConfig& c) : LanguageModel(c) {
  const auto ln = nn::LayerNormOptions({c.dim}).eps(1e-12);
  auto embeddings = register_module("embeddings", std::make_shared<nn::Module>());
  m_words = embeddings->register_module("word_embeddings", nn::Embedding(tiedEmbedding(c.vocabSize, c.dim)));
  m_positions = embeddings->register_module("position_embeddings", nn::Embedding(c.context, c.dim));
  m_embedNorm = embeddings->register_module("LayerNorm", nn::LayerNorm(ln));
  m_layers =
      register_module("encoder", std::make_shared<nn::Module>())->register_module("layer", nn::ModuleList());
  for (int i = 0; i < c.layers; ++i) m_layers->push_back(TransformerBlock(c, BlockStyle::Bert));
  auto predictions = register_module("cls", std::make_shared<nn::Module>())
                         ->register_module("predictions", std::make_shared<nn::Module>());
  auto transform = predictions->register_module("transform", std::make_shared<nn::Module>());
  m_headDense = transform->register_module("dense", nn::Linear(c.dim, c.dim));
  m_headNorm = transform->register_module("LayerNorm", nn::LayerNorm(ln));
  m_outputBias = predictions->register_parameter("bias", torch::zeros({c.vocabSize}));
  torch::NoGradGuard guard;
  m_words->weight.normal_(0.0, 0.02);
  m_positions->weight.normal_(0.0, 0.02);
  initLinear(m_headDense);
}

torch::Tensor BertModel::embed(const torch::Tensor& ids) {
  const int64_t T = ids.size(1);
  TORCH_CHECK(T <= config().context, "sequence of ", T, " tokens is longer than the context ",
              config().context);
  const auto positions = torch::arange(T, torch::TensorOptions().dtype(torch::kLong).device(ids.device()));
  torch::Tensor x = m_embedNorm(m_words(ids) + m_positions(positions));  // (B, T, C)
  return torch::dropout(x, config().dropout, is_training());
}

torch::Tensor BertModel::forward(const torch::Tensor& ids) {
  torch::Tensor x = embed(ids);
  for (const auto& layer : *m_layers) x = layer->as<TransformerBlock>()->forward(x);
  return readout(x);
}

LayerTrace BertModel::trace(const torch::Tensor& ids) {
  LayerTrace t;
  torch::Tensor x = embed(ids);
  for (const auto& layer : *m_layers) {
    t.attention.emplace_back();
    x = layer->as<TransformerBlock>()->forward(x, t.attention.back());
    t.residuals.push_back(x);
  }
  return t;
}

torch::Tensor BertModel::readout(const torch::Tensor& residual) {
  // Under bf16 autocast the dense layer gives bf16, and LayerNorm on the CPU wants its input in its weights'
  // type (the blocks' norms get fp32 from the residual sum, this one does not).
  const torch::Tensor x =
      m_headNorm(torch::gelu(linear(m_headDense, residual)).to(m_headNorm->weight.scalar_type()));
  return torch::linear(x, m_words->weight, m_outputBias);  // (B, T, V), tied to the embedding
}

std::vector<torch::Tensor> BertModel::embeddingParameters() {
  std::vector<torch::Tensor> out = {m_words->weight, m_positions->weight};
  for (const torch::Tensor& t : m_embedNorm->parameters()) out.push_back(t);
  return out;
}

std::vector<torch::Tensor> BertModel::blockParameters(int index) {
  return m_layers[size_t(index)]->parameters();
}

}  // namespace pretrain
