#include "export/hf_model.h"

#include <nlohmann/json.hpp>

#include "data/special_tokens.h"
#include "model/language_model.h"
#include "util/error.h"

namespace pretrain {
namespace {

using Json = nlohmann::ordered_json;

bool endsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// GPT-2's four projections are Conv1D layers, whose weight is (in, out).
bool isConv1dWeight(const std::string& name) {
  for (const char* tail :
       {"attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight", "mlp.c_proj.weight"})
    if (endsWith(name, tail)) return true;
  return false;
}

// The names of `transformers`' activations for the engine's two GELUs.
const char* activationName(Activation a) { return a == Activation::Gelu ? "gelu" : "gelu_new"; }

}  // namespace

NamedTensors huggingFaceTensors(LanguageModel& model) {
  const ModelConfig& c = model.config();
  NamedTensors out;
  if (c.objective == Objective::Causal) {
    // lm_head.weight is wte's (tied): written once, as save_pretrained does.
    for (const auto& p : model.named_parameters())
      out.emplace_back("transformer." + p.key(),
                       isConv1dWeight(p.key()) ? p.value().t().contiguous() : p.value());
    return out;
  }
  // The prediction head's transform always uses the exact GELU here; BertForMaskedLM uses the blocks'.
  if (c.activation != Activation::Gelu)
    throw InputError(
        "this masked model uses the tanh GELU in its blocks but the exact one in its prediction "
        "head, which BertForMaskedLM cannot express; it cannot be exported");
  for (const auto& p : model.named_parameters())
    out.emplace_back(p.key().rfind("cls.", 0) == 0 ? p.key() : "bert." + p.key(), p.value());
  out.emplace_back("bert.embeddings.token_type_embeddings.weight", torch::zeros({1, c.dim}));
  return out;
}

std::string huggingFaceConfig(const ModelConfig& c) {
  Json j;
  if (c.objective == Objective::Causal) {
    j = {{"architectures", {"GPT2LMHeadModel"}},
         {"model_type", "gpt2"},
         {"vocab_size", c.vocabSize},
         {"n_positions", c.context},
         {"n_ctx", c.context},
         {"n_embd", c.dim},
         {"n_layer", c.layers},
         {"n_head", c.heads},
         {"n_inner", c.mlpDim},
         {"activation_function", activationName(c.activation)},
         {"resid_pdrop", c.dropout},
         {"embd_pdrop", c.dropout},
         {"attn_pdrop", c.dropout},
         {"layer_norm_epsilon", 1e-5},
         {"initializer_range", 0.02},
         {"scale_attn_weights", true},
         {"bos_token_id", SpecialTokens::kBos},
         {"eos_token_id", SpecialTokens::kEos},
         {"pad_token_id", SpecialTokens::kPad},
         {"tie_word_embeddings", true},
         {"torch_dtype", "float32"}};
  } else {
    j = {{"architectures", {"BertForMaskedLM"}},
         {"model_type", "bert"},
         {"vocab_size", c.vocabSize},
         {"hidden_size", c.dim},
         {"num_hidden_layers", c.layers},
         {"num_attention_heads", c.heads},
         {"intermediate_size", c.mlpDim},
         {"hidden_act", activationName(c.activation)},
         {"hidden_dropout_prob", c.dropout},
         {"attention_probs_dropout_prob", c.dropout},
         {"max_position_embeddings", c.context},
         {"type_vocab_size", 1},
         {"initializer_range", 0.02},
         {"layer_norm_eps", 1e-12},
         {"position_embedding_type", "absolute"},
         {"pad_token_id", SpecialTokens::kPad},
         {"tie_word_embeddings", true},
         {"torch_dtype", "float32"}};
  }
  return j.dump(2) + "\n";
}

std::string huggingFaceGenerationConfig() {
  const Json j = {{"bos_token_id", SpecialTokens::kBos},
                  {"eos_token_id", SpecialTokens::kEos},
                  {"pad_token_id", SpecialTokens::kPad}};
  return j.dump(2) + "\n";
}

}  // namespace pretrain
