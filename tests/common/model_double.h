#pragma once
// A stand-in for a trained model: its logits are a rule the test writes (here, a table indexed by one
// piece of the row), so the inference logic built on top (word extension, fill scoring, truncation) is
// tested in milliseconds, with answers worked out by hand. The trained-model tests stay the end-to-end
// layer.

#include <torch/torch.h>

#include "model/language_model.h"

namespace testdata {

class TableModel : public pretrain::LanguageModel {
 public:
  /// Which piece of the row picks the logits at position t: the piece at t (a bigram model: what comes
  /// after it), the piece before t (a masked model reading its left neighbour), or the row's first piece.
  enum class Key { Current, Previous, First };

  TableModel(pretrain::ModelConfig config, Key key)
      : LanguageModel(config), m_key(key), m_table(torch::zeros({config.vocabSize, config.vocabSize})) {
    register_parameter("unused", torch::zeros({1}), false);  // Inference asks where the weights are.
  }

  /// After (or at) `piece`, `next` gets `logit` (all others 0).
  void set(int32_t piece, int32_t next, float logit) { m_table[piece][next] = logit; }
  /// The probability set() gives `next` when it is the only raised piece of its row.
  double probabilityOf(int32_t piece, int32_t next) const {
    return torch::softmax(m_table[piece], -1)[next].item<double>();
  }

  torch::Tensor forward(const torch::Tensor& ids) override {
    const int64_t B = ids.size(0), T = ids.size(1);
    torch::Tensor key = ids;
    if (m_key == Key::Previous) key = torch::cat({ids.narrow(1, 0, 1), ids.narrow(1, 0, T - 1)}, 1);
    if (m_key == Key::First) key = ids.narrow(1, 0, 1).expand({B, T});
    return m_table.index_select(0, key.reshape({-1})).view({B, T, -1});  // (B, T, V)
  }
  // No layers inside: one whose residual stream is already the logits, and no attention.
  pretrain::LayerTrace trace(const torch::Tensor& ids) override { return {{forward(ids)}, {}}; }
  torch::Tensor readout(const torch::Tensor& residual) override { return residual; }
  std::vector<torch::Tensor> embeddingParameters() override { return {}; }
  std::vector<torch::Tensor> blockParameters(int) override { return {}; }

 private:
  Key m_key;
  torch::Tensor m_table;  // (V, V) logits
};

}  // namespace testdata
