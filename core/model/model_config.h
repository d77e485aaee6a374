#pragma once
// The shape of a model, with presets and the figures a person wants before training: parameters, FLOPs
// per token, memory. Plain C++ (no LibTorch), so the GUI can show these as settings change.

#include <cstdint>
#include <string>

namespace pretrain {

/// What the model learns.
enum class Objective {
  Causal,  ///< Next-word prediction, GPT-style: each position sees only the positions before it.
  Masked,  ///< Masked language modeling, BERT-style: hidden pieces are recovered from both sides.
};
Objective parseObjective(const std::string& name);  ///< "clm" / "mlm"; throws InputError.
const char* objectiveName(Objective o);             ///< "clm" / "mlm".

/// The MLP's activation. GPT-2 shipped the tanh approximation of GELU (a speed trick of its day); the exact
/// GELU is what BERT and nanoGPT use, and on the CPU in bf16 it runs about 15x faster here (LibTorch 1.13
/// has no vectorised bf16 kernel for the tanh form). New models use the exact one; runs made before this
/// field existed keep what they were trained with (tanh for GPT-style, exact for BERT-style).
enum class Activation { Gelu, GeluTanh };

struct ModelConfig {
  Objective objective = Objective::Causal;   // next word (GPT-2 decoder) or masked words (BERT encoder)
  int vocabSize = 8000;                      // pieces of the tokenizer; set from it
  int layers = 4;                            // Transformer blocks
  int heads = 4;                             // attention heads; must divide dim
  int dim = 256;                             // model width C
  int mlpDim = 1024;                         // hidden width of each block's MLP, 4 x dim by convention
  int context = 128;                         // longest sequence the model reads, T
  double dropout = 0.0;                      // on attention weights and residual branches; 0 suits short runs
  Activation activation = Activation::Gelu;  // the MLP's GELU: exact, or GPT-2's tanh approximation

  /// "tiny" (4 layers, 4 heads, width 256, context 128), "small" (6, 6, 384, 256), "base" (8, 8, 512, 256),
  /// "gpt2" (12, 12, 768, 1024: GPT-2 small's shape, for a GPU).
  static ModelConfig preset(const std::string& name, Objective objective, int vocabSize);

  /// Throws InputError naming the first impossible setting (heads not dividing the width, ...).
  void validate() const;

  int64_t parameterCount() const;
  /// Training FLOPs per token: 6 per parameter-token (forward + backward) plus attention's
  /// 12 x layers x context x width (the accounting of the PaLM paper, appendix B).
  double trainingFlopsPerToken() const;
  /// Estimated peak training memory for `batch` sequences: weights, gradients, AdamW moments, and the
  /// activations kept for the backward pass (per layer ~34·T·C + 5·heads·T² values per sequence, after
  /// Korthikanti et al. 2022), plus the logits. Within a factor of ~1.5 of what LibTorch uses.
  uint64_t trainingMemoryBytes(int batch, bool bf16) const;

  bool operator==(const ModelConfig& o) const;
  bool operator!=(const ModelConfig& o) const { return !(*this == o); }

  std::string toJson() const;
  static ModelConfig fromJson(const std::string& text);  ///< Throws InputError.
};

}  // namespace pretrain
