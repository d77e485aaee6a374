// The views inside the model (predictor.h): the logit lens and the attention maps, from one forward pass
// that keeps each block's output and attention weights (LanguageModel::trace).
#include <torch/torch.h>

#include <algorithm>

#include "compute/compute_device.h"
#include "data/special_tokens.h"
#include "infer/candidates.h"
#include "infer/masked_fill.h"
#include "infer/predictor.h"
#include "model/language_model.h"
#include "tokenizer/tokenizer.h"

namespace pretrain {

std::vector<int32_t> Predictor::viewIds(const std::string& prompt, size_t limit, bool& truncated) const {
  std::vector<int32_t> ids;
  if (config().objective == Objective::Masked && prompt.find(kMaskText) != std::string::npos) {
    std::vector<MaskPrediction> masks;  // A sentence with blanks of its own: read as fill() reads it.
    ids = encodeWithMasks(*m_tokenizer, prompt, masks);
  } else {
    ids = promptIds(prompt);
    if (config().objective == Objective::Masked) ids.push_back(SpecialTokens::kMask);
  }
  limit = std::min(limit, size_t(config().context));
  truncated = ids.size() > limit;
  if (truncated) ids.erase(ids.begin(), ids.end() - long(limit));
  return ids;
}

namespace {

LayerTrace traceOf(LanguageModel& model, const std::vector<int32_t>& ids) {
  if (!computeThreadsSet()) setComputeThreads(0);  // As every prediction: all cores unless set.
  const torch::Tensor input = torch::tensor(std::vector<int64_t>(ids.begin(), ids.end()), torch::kLong)
                                  .unsqueeze(0)
                                  .to(model.parameters().front().device());
  return model.trace(input);
}

}  // namespace

LensResult Predictor::lens(const std::string& prompt, int topK, const std::string& word) const {
  LensResult r;
  r.ids = viewIds(prompt, size_t(config().context), r.truncated);
  const std::vector<int32_t> pieces = wordPieces(word);
  r.wordPieces = pieces;
  if (!pieces.empty()) r.wordFirstPiece = m_tokenizer->decode({pieces.front()});
  torch::NoGradGuard noGrad;
  const LayerTrace trace = traceOf(*m_model, r.ids);
  for (const torch::Tensor& residual : trace.residuals) {
    const torch::Tensor probs = torch::softmax(m_model->readout(residual)[0].to(torch::kDouble), -1).cpu();
    std::vector<std::vector<TokenCandidate>> layer;
    std::vector<PieceRank> wordRow;
    for (int64_t t = 0; t < probs.size(0); ++t) {
      const torch::Tensor row = probs[t].contiguous();
      const double* p = row.data_ptr<double>();
      layer.push_back(topCandidates(*m_tokenizer, std::vector<double>(p, p + row.numel()), topK));
      if (pieces.empty()) continue;
      PieceRank w;  // The first piece, as the probes rank a word: by how many pieces beat it.
      w.prob = p[pieces.front()];
      w.rank = 1 + int(std::count_if(p, p + row.numel(), [&](double q) { return q > w.prob; }));
      wordRow.push_back(w);
    }
    r.layers.push_back(std::move(layer));
    if (!pieces.empty()) r.word.push_back(std::move(wordRow));
  }
  return r;
}

AttentionResult Predictor::attention(const std::string& prompt) const {
  AttentionResult r;
  r.ids = viewIds(prompt, size_t(kMaxAttentionPieces), r.truncated);
  torch::NoGradGuard noGrad;
  const LayerTrace trace = traceOf(*m_model, r.ids);
  for (const torch::Tensor& weights : trace.attention) {
    const torch::Tensor w = weights[0].to(torch::kFloat).cpu().contiguous();  // (h, T, T)
    const int64_t heads = w.size(0), T = w.size(1);
    const float* v = w.data_ptr<float>();
    std::vector<std::vector<std::vector<float>>> layer(static_cast<size_t>(heads));
    for (int64_t h = 0; h < heads; ++h)
      for (int64_t q = 0; q < T; ++q)
        layer[size_t(h)].emplace_back(v + (h * T + q) * T, v + (h * T + q + 1) * T);
    r.layers.push_back(std::move(layer));
  }
  return r;
}

}  // namespace pretrain
