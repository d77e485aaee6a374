#include "model/transformer_block.h"

#include <cmath>
#include <limits>

#include "compute/torch_compat.h"

namespace pretrain {

namespace nn = torch::nn;

void initLinear(nn::Linear& layer, double std) {
  torch::NoGradGuard guard;
  layer->weight.normal_(0.0, std);
  if (layer->bias.defined()) layer->bias.zero_();
}

nn::EmbeddingOptions tiedEmbedding(int64_t vocabSize, int64_t dim) {
  return nn::EmbeddingOptions(vocabSize, dim).sparse(true);
}

torch::Tensor linear(const nn::Linear& layer, const torch::Tensor& x) {
  return torch::linear(x, layer->weight, layer->bias);
}

TransformerBlockImpl::TransformerBlockImpl(const ModelConfig& c, BlockStyle style)
    : m_style(style),
      m_causal(c.objective == Objective::Causal),
      m_heads(c.heads),
      m_dropout(c.dropout),
      m_activation(c.activation) {
  TORCH_CHECK(c.dim % c.heads == 0, "heads must divide the width");
  const int64_t C = c.dim, M = c.mlpDim;
  // GPT-2 scales the projections into the residual stream by 1/sqrt(2 x layers) so its variance does not
  // grow with depth; BERT uses 0.02 everywhere.
  const double residualStd = style == BlockStyle::Gpt2 ? 0.02 / std::sqrt(2.0 * c.layers) : 0.02;
  m_attnOut = nn::Linear(C, C);
  m_fcIn = nn::Linear(C, M);
  m_fcOut = nn::Linear(M, C);
  if (style == BlockStyle::Gpt2) {
    const auto ln = nn::LayerNormOptions({C}).eps(1e-5);
    m_norm1 = register_module("ln_1", nn::LayerNorm(ln));
    auto attn = register_module("attn", std::make_shared<nn::Module>());
    m_qkv = attn->register_module("c_attn", nn::Linear(C, 3 * C));
    attn->register_module("c_proj", m_attnOut);
    m_norm2 = register_module("ln_2", nn::LayerNorm(ln));
    auto mlp = register_module("mlp", std::make_shared<nn::Module>());
    mlp->register_module("c_fc", m_fcIn);
    mlp->register_module("c_proj", m_fcOut);
    initLinear(m_qkv);
  } else {
    const auto ln = nn::LayerNormOptions({C}).eps(1e-12);
    auto attention = register_module("attention", std::make_shared<nn::Module>());
    auto self = attention->register_module("self", std::make_shared<nn::Module>());
    m_query = self->register_module("query", nn::Linear(C, C));
    m_key = self->register_module("key", nn::Linear(C, C));
    m_value = self->register_module("value", nn::Linear(C, C));
    auto attnOutput = attention->register_module("output", std::make_shared<nn::Module>());
    attnOutput->register_module("dense", m_attnOut);
    m_norm1 = attnOutput->register_module("LayerNorm", nn::LayerNorm(ln));
    register_module("intermediate", std::make_shared<nn::Module>())->register_module("dense", m_fcIn);
    auto output = register_module("output", std::make_shared<nn::Module>());
    output->register_module("dense", m_fcOut);
    m_norm2 = output->register_module("LayerNorm", nn::LayerNorm(ln));
    initLinear(m_query);
    initLinear(m_key);
    initLinear(m_value);
  }
  initLinear(m_attnOut, residualStd);
  initLinear(m_fcIn);
  initLinear(m_fcOut, residualStd);
}

torch::Tensor TransformerBlockImpl::attention(const torch::Tensor& x, KvCache* cache,
                                              torch::Tensor* weights) {
  const int64_t B = x.size(0), T = x.size(1), C = x.size(2), h = m_heads, d = C / h;
  torch::Tensor q, k, v;
  if (m_qkv) {
    const auto parts = linear(m_qkv, x).split(C, /*dim=*/2);  // 3 x (B, T, C)
    q = parts[0];
    k = parts[1];
    v = parts[2];
  } else {
    q = linear(m_query, x);
    k = linear(m_key, x);
    v = linear(m_value, x);
  }
  q = q.view({B, T, h, d}).transpose(1, 2);  // (B, h, T, d)
  k = k.view({B, T, h, d}).transpose(1, 2);
  v = v.view({B, T, h, d}).transpose(1, 2);
  if (weights) {  // softmax(q k^T / sqrt(d)) v, spelled out so that the weights can be kept.
    // Scores in fp32 at least (bf16 would round the softmax's inputs); a float64 model keeps float64.
    const auto scoreType = c10::promoteTypes(q.scalar_type(), torch::kFloat);
    torch::Tensor scores = torch::matmul(q, k.transpose(-2, -1)).to(scoreType) / std::sqrt(double(d));
    if (m_causal)
      scores = scores.masked_fill(torch::ones({T, T}, torch::dtype(torch::kBool).device(x.device())).triu(1),
                                  -std::numeric_limits<float>::infinity());
    *weights = torch::softmax(scores, -1);
    return torch::matmul(weights->to(v.scalar_type()), v).transpose(1, 2).contiguous().view({B, T, C});
  }
  compat::AttentionInputs in;
  if (cache) {  // Keys and values before these positions: each row's own, and those shared by all rows.
    if (cache->k.defined()) {
      k = torch::cat({cache->k, k}, 2);
      v = torch::cat({cache->v, v}, 2);
    }
    cache->k = k;
    cache->v = v;
    in.sharedK = cache->sharedK;
    in.sharedV = cache->sharedV;
  }
  in.q = q;
  in.k = k;
  in.v = v;
  in.causal = m_causal;
  in.dropout = m_dropout;
  in.training = is_training();
  return compat::attention(in).transpose(1, 2).contiguous().view({B, T, C});  // (B, T, C)
}

void KvCache::share() {
  sharedK = sharedK.defined() ? torch::cat({sharedK, k}, 2) : k;
  sharedV = sharedV.defined() ? torch::cat({sharedV, v}, 2) : v;
  k = v = torch::Tensor();
}

void KvCache::selectRows(const torch::Tensor& index) {
  if (!k.defined()) return;
  k = k.index_select(0, index);
  v = v.index_select(0, index);
}

torch::Tensor TransformerBlockImpl::mlp(const torch::Tensor& x) {
  return linear(m_fcOut,
                torch::gelu(linear(m_fcIn, x), m_activation == Activation::GeluTanh ? "tanh" : "none"));
}

torch::Tensor TransformerBlockImpl::forward(const torch::Tensor& x) { return block(x, nullptr, nullptr); }

torch::Tensor TransformerBlockImpl::forward(const torch::Tensor& x, KvCache* cache) {
  return block(x, cache, nullptr);
}

torch::Tensor TransformerBlockImpl::forward(const torch::Tensor& x, torch::Tensor& weights) {
  return block(x, nullptr, &weights);
}

torch::Tensor TransformerBlockImpl::block(const torch::Tensor& x, KvCache* cache, torch::Tensor* weights) {
  const bool train = is_training();
  if (m_style == BlockStyle::Gpt2) {
    torch::Tensor y =
        x + torch::dropout(linear(m_attnOut, attention(m_norm1(x), cache, weights)), m_dropout, train);
    return y + torch::dropout(mlp(m_norm2(y)), m_dropout, train);
  }
  torch::Tensor y =
      m_norm1(x + torch::dropout(linear(m_attnOut, attention(x, cache, weights)), m_dropout, train));
  return m_norm2(y + torch::dropout(mlp(y), m_dropout, train));
}

}  // namespace pretrain
