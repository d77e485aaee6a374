#include "model/model_config.h"

#include <nlohmann/json.hpp>

#include "util/error.h"

namespace pretrain {

Objective parseObjective(const std::string& name) {
  if (name == "clm" || name == "causal") return Objective::Causal;
  if (name == "mlm" || name == "masked") return Objective::Masked;
  throw InputError("unknown objective '" + name +
                   "' (use clm for next-word prediction or mlm for masked words)");
}

const char* objectiveName(Objective o) { return o == Objective::Causal ? "clm" : "mlm"; }

ModelConfig ModelConfig::preset(const std::string& name, Objective objective, int vocabSize) {
  ModelConfig c;
  c.objective = objective;
  c.vocabSize = vocabSize;
  struct Shape {
    const char* name;
    int layers, heads, dim, context;
  };
  // Heads of 64 channels, as GPT-2 and BERT have; each preset about 2.5x the FLOPs of the one before, and
  // GPT-2 small's shape for a GPU.
  static constexpr Shape kPresets[] = {{"tiny", 4, 4, 256, 128},
                                       {"small", 6, 6, 384, 256},
                                       {"base", 8, 8, 512, 256},
                                       {"gpt2", 12, 12, 768, 1024}};
  for (const Shape& s : kPresets) {
    if (name != s.name) continue;
    c.layers = s.layers;
    c.heads = s.heads;
    c.dim = s.dim;
    c.context = s.context;
    c.mlpDim = 4 * c.dim;
    return c;
  }
  throw InputError("unknown preset '" + name + "' (use tiny, small, base or gpt2)");
}

void ModelConfig::validate() const {
  auto need = [](bool ok, const std::string& what) {
    if (!ok) throw InputError(what);
  };
  need(vocabSize >= 6, "vocabulary size " + std::to_string(vocabSize) + " is too small");
  need(layers >= 1 && layers <= 256, "layers must be from 1 to 256, not " + std::to_string(layers));
  need(heads >= 1, "heads must be at least 1, not " + std::to_string(heads));
  need(dim >= 1 && dim <= 16384, "width must be from 1 to 16384, not " + std::to_string(dim));
  need(dim % heads == 0, std::to_string(heads) + " heads do not divide the width " + std::to_string(dim) +
                             " (each head gets width/heads channels)");
  need(mlpDim >= 1, "MLP width must be at least 1");
  need(context >= 2 && context <= 65536, "context must be from 2 to 65536, not " + std::to_string(context));
  need(dropout >= 0 && dropout < 1, "dropout must be at least 0 and below 1");
}

int64_t ModelConfig::parameterCount() const {
  const int64_t V = vocabSize, T = context, C = dim, M = mlpDim, L = layers;
  // Per block: attention q, k, v and output projections with biases, MLP in and out, two LayerNorms.
  const int64_t block = 4 * (C * C + C) + (C * M + M) + (M * C + C) + 2 * (2 * C);
  if (objective == Objective::Causal) return V * C + T * C + L * block + 2 * C;  // + final LayerNorm
  // BERT: embedding LayerNorm; MLM head: dense + LayerNorm + output bias (its projection is tied).
  return V * C + T * C + 2 * C + L * block + (C * C + C) + 2 * C + V;
}

double ModelConfig::trainingFlopsPerToken() const {
  return 6.0 * double(parameterCount()) + 12.0 * layers * double(context) * dim;
}

uint64_t ModelConfig::trainingMemoryBytes(int batch, bool bf16) const {
  const double P = double(parameterCount());
  const double state = P * (4 + 4 + 8);  // fp32 weights, gradients, AdamW's two moments
  const double T = context, C = dim, B = batch;
  const double perLayer = B * (34.0 * T * C + 5.0 * heads * T * T);  // values kept for backward
  const double logits = 3.0 * B * T * vocabSize;                     // logits, softmax, their gradient
  const double bytesPerValue = bf16 ? 2.0 : 4.0;
  return uint64_t(state + (layers * perLayer + logits) * bytesPerValue);
}

bool ModelConfig::operator==(const ModelConfig& o) const {
  return objective == o.objective && vocabSize == o.vocabSize && layers == o.layers && heads == o.heads &&
         dim == o.dim && mlpDim == o.mlpDim && context == o.context && dropout == o.dropout &&
         activation == o.activation;
}

std::string ModelConfig::toJson() const {
  const nlohmann::json j = {{"objective", objectiveName(objective)},
                            {"vocab_size", vocabSize},
                            {"layers", layers},
                            {"heads", heads},
                            {"dim", dim},
                            {"mlp_dim", mlpDim},
                            {"context", context},
                            {"dropout", dropout},
                            {"activation", activation == Activation::Gelu ? "gelu" : "gelu_tanh"}};
  return j.dump();
}

ModelConfig ModelConfig::fromJson(const std::string& text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw InputError("model configuration is not valid JSON");
  ModelConfig c;
  try {
    c.objective = parseObjective(j.at("objective").get<std::string>());
    c.vocabSize = j.at("vocab_size");
    c.layers = j.at("layers");
    c.heads = j.at("heads");
    c.dim = j.at("dim");
    c.mlpDim = j.at("mlp_dim");
    c.context = j.at("context");
    c.dropout = j.at("dropout");
    // Runs made before the field existed: GPT-style models had the tanh form, BERT-style the exact one.
    const std::string legacy = c.objective == Objective::Causal ? "gelu_tanh" : "gelu";
    const std::string activation = j.value("activation", legacy);
    if (activation != "gelu" && activation != "gelu_tanh")
      throw InputError("model configuration has an unknown activation '" + activation + "'");
    c.activation = activation == "gelu" ? Activation::Gelu : Activation::GeluTanh;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(std::string("model configuration is incomplete: ") + e.what());
  }
  c.validate();
  return c;
}

}  // namespace pretrain
