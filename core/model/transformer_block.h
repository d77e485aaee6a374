#pragma once
// One Transformer block, shared by the GPT-style decoder and the BERT-style encoder.
// Shapes: B batch, T time (sequence), C channels (width), h heads, d = C / h channels per head.
//
// The two differ in where LayerNorm sits and how their checkpoints name things, and this block does both,
// so that a model trained here writes the names other tools expect:
//   GPT-2 (pre-LN):  x + attn(ln_1(x)), then x + mlp(ln_2(x));   h.N.ln_1, h.N.attn.c_attn (fused q|k|v),
//                    h.N.attn.c_proj, h.N.ln_2, h.N.mlp.c_fc, h.N.mlp.c_proj
//   BERT (post-LN):  LN(x + attn(x)), then LN(x + mlp(x));        encoder.layer.N.attention.self.{query,
//                    key,value}, .attention.output.{dense,LayerNorm}, .intermediate.dense,
//                    .output.{dense,LayerNorm}

#include <torch/torch.h>

#include "model/model_config.h"

namespace pretrain {

enum class BlockStyle { Gpt2, Bert };

/// The keys and values a causal block has computed for the positions read so far (inference only), so
/// that reading one more position costs one position's work. A prompt's part can be shared by many rows
/// continuing it differently: it is kept once and broadcast, and only each row's own continuation is
/// copied when rows are chosen.
struct KvCache {
  torch::Tensor sharedK, sharedV;  ///< (1, h, P, d): read by every row.
  torch::Tensor k, v;              ///< (B, h, S, d): each row's own positions after the shared ones.
  int64_t length() const { return (sharedK.defined() ? sharedK.size(2) : 0) + (k.defined() ? k.size(2) : 0); }
  /// What one row has read becomes the shared part (before it is continued in several ways).
  void share();
  /// Keeps the rows `index` (a row may be taken more than once).
  void selectRows(const torch::Tensor& index);
};

class TransformerBlockImpl : public torch::nn::Module {
 public:
  TransformerBlockImpl(const ModelConfig& config, BlockStyle style);
  /// x: (B, T, C) -> (B, T, C). Causal blocks let position t attend to positions <= t only.
  torch::Tensor forward(const torch::Tensor& x);
  /// x: the new positions only (B, T, C), read after those in `cache`, which grows by them.
  torch::Tensor forward(const torch::Tensor& x, KvCache* cache);
  /// forward() without a cache, setting `weights` to the attention weights (B, h, T, T).
  torch::Tensor forward(const torch::Tensor& x, torch::Tensor& weights);

 private:
  // (B, T, C) -> (B, T, C), before the output projection; with a cache, after the positions it holds.
  // With `weights`, computed explicitly (no cache) and the weights kept there.
  torch::Tensor attention(const torch::Tensor& x, KvCache* cache, torch::Tensor* weights = nullptr);
  torch::Tensor block(const torch::Tensor& x, KvCache* cache, torch::Tensor* weights);
  torch::Tensor mlp(const torch::Tensor& x);

  BlockStyle m_style;
  bool m_causal;
  int m_heads;
  double m_dropout;
  Activation m_activation;
  torch::nn::Linear m_qkv{nullptr};                                      // GPT-2: one projection to q|k|v
  torch::nn::Linear m_query{nullptr}, m_key{nullptr}, m_value{nullptr};  // BERT: three
  torch::nn::Linear m_attnOut{nullptr}, m_fcIn{nullptr}, m_fcOut{nullptr};
  torch::nn::LayerNorm m_norm1{nullptr}, m_norm2{nullptr};
};
TORCH_MODULE(TransformerBlock);

/// GPT-2 / BERT initialisation: weights N(0, 0.02), biases 0, LayerNorm 1 and 0.
void initLinear(torch::nn::Linear& layer, double std = 0.02);
/// The token embedding, whose weights the output layer shares. Its gradient is sparse (the rows of the
/// batch's tokens), so the output layer's dense gradient for the same weights takes it in place; a dense one
/// is a zeroed vocabulary x width matrix and then a sum of two (~2% of a tiny bf16 step in its profile).
torch::nn::EmbeddingOptions tiedEmbedding(int64_t vocabSize, int64_t dim);
/// x W^T + b through ATen's linear. The C++ frontend's own (torch::nn::Linear, F::linear) does a 3-D input
/// as a matmul and then `+= bias`: under bf16 autocast the fp32 bias then makes the add and its gradient
/// run in fp32 with casts both ways. ATen's casts the bias too and fuses the add into the multiply.
torch::Tensor linear(const torch::nn::Linear& layer, const torch::Tensor& x);

}  // namespace pretrain
