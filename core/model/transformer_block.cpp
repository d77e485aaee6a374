#include "model/transformer_block.h"

#include <cmath>

namespace pretrain {

namespace nn = torch::nn;

void initLinear(nn::Linear& layer, double std) {
  torch::NoGradGuard guard;
  layer->weight.normal_(0.0, std);
  if (layer->bias.defined()) layer->bias.zero_();
}

TransformerBlockImpl::TransformerBlockImpl(const ModelConfig& c, BlockStyle style)
    : m_style(style), m_causal(c.objective == Objective::Causal), m_heads(c.heads), m_dropout(c.dropout) {
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

torch::Tensor TransformerBlockImpl::attention(const torch::Tensor& x, KvCache* cache) {
  const int64_t B = x.size(0), T = x.size(1), C = x.size(2), h = m_heads, d = C / h;
  torch::Tensor q, k, v;
  if (m_qkv) {
    const auto parts = m_qkv(x).split(C, /*dim=*/2);  // 3 x (B, T, C)
    q = parts[0];
    k = parts[1];
    v = parts[2];
  } else {
    q = m_query(x);
    k = m_key(x);
    v = m_value(x);
  }
  q = q.view({B, T, h, d}).transpose(1, 2);  // (B, h, T, d)
  k = k.view({B, T, h, d}).transpose(1, 2);
  v = v.view({B, T, h, d}).transpose(1, 2);
  const double scale = 1.0 / std::sqrt(double(d));
  // Keys and values before these positions: shared by all rows (P of them) and each row's own (S).
  const int64_t P = cache && cache->sharedK.defined() ? cache->sharedK.size(2) : 0;
  const int64_t S = cache && cache->k.defined() ? cache->k.size(2) : 0;
  if (cache) {
    if (S > 0) {
      k = torch::cat({cache->k, k}, 2);
      v = torch::cat({cache->v, v}, 2);
    }
    cache->k = k;
    cache->v = v;
  }
  torch::Tensor att = torch::matmul(q, k.transpose(-2, -1)) * scale;  // (B, h, T, S + T)
  if (m_causal) {  // New position t (after S of the row's own) sees the row's keys up to S + t.
    const auto future =
        torch::ones({T, S + T}, torch::TensorOptions().dtype(torch::kBool).device(x.device())).triu(1 + S);
    att = att.masked_fill(future, -std::numeric_limits<float>::infinity());
  }
  if (P > 0) {  // The shared positions come first and are all visible; broadcast over the rows.
    att = torch::cat({torch::matmul(q, cache->sharedK.transpose(-2, -1)) * scale, att}, -1);
  }
  att = torch::softmax(att, -1);
  att = torch::dropout(att, m_dropout, is_training());
  torch::Tensor out = torch::matmul(att.narrow(-1, P, att.size(-1) - P), v);
  if (P > 0) out = out + torch::matmul(att.narrow(-1, 0, P), cache->sharedV);
  return out.transpose(1, 2).contiguous().view({B, T, C});  // (B, T, C)
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
  // GPT-2 uses the tanh approximation of GELU; BERT the exact one.
  const char* approximate = m_style == BlockStyle::Gpt2 ? "tanh" : "none";
  return m_fcOut(torch::gelu(m_fcIn(x), approximate));
}

torch::Tensor TransformerBlockImpl::forward(const torch::Tensor& x) { return forward(x, nullptr); }

torch::Tensor TransformerBlockImpl::forward(const torch::Tensor& x, KvCache* cache) {
  const bool train = is_training();
  if (m_style == BlockStyle::Gpt2) {
    torch::Tensor y = x + torch::dropout(m_attnOut(attention(m_norm1(x), cache)), m_dropout, train);
    return y + torch::dropout(mlp(m_norm2(y)), m_dropout, train);
  }
  torch::Tensor y = m_norm1(x + torch::dropout(m_attnOut(attention(x, cache)), m_dropout, train));
  return m_norm2(y + torch::dropout(mlp(y), m_dropout, train));
}

}  // namespace pretrain
