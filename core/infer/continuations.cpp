#include "infer/continuations.h"

#include "data/special_tokens.h"
#include "infer/sampling.h"
#include "model/gpt_model.h"
#include "model/language_model.h"

namespace pretrain {

torch::Tensor idsTensor(const std::vector<std::vector<int32_t>>& rows, const torch::Device& device) {
  const int64_t cols = int64_t(rows.front().size());
  torch::Tensor t = torch::empty({int64_t(rows.size()), cols}, torch::kLong);
  auto a = t.accessor<int64_t, 2>();
  for (size_t r = 0; r < rows.size(); ++r)
    for (int64_t c = 0; c < cols; ++c) a[int64_t(r)][c] = rows[r][size_t(c)];
  return t.to(device);
}

torch::Device deviceOf(const LanguageModel& model) { return model.parameters().front().device(); }

std::vector<double> toVector(const torch::Tensor& values) {
  const torch::Tensor p = values.to(torch::kCPU, torch::kDouble).contiguous();
  return std::vector<double>(p.data_ptr<double>(), p.data_ptr<double>() + p.numel());
}

std::vector<std::vector<double>> distributions(const torch::Tensor& logits, double temperature) {
  const torch::Tensor p =
      torch::softmax(logits.to(torch::kFloat), -1).to(torch::kCPU, torch::kDouble).contiguous();
  std::vector<std::vector<double>> out;
  for (int64_t r = 0; r < p.size(0); ++r) {
    std::vector<double> row(p[r].data_ptr<double>(), p[r].data_ptr<double>() + p.size(1));
    // At 1 the softmax is the answer: the Playground asks for many rows per keystroke.
    out.push_back(temperature == 1.0 ? std::move(row) : applyTemperature(std::move(row), temperature));
  }
  return out;
}

std::vector<std::vector<double>> readNext(LanguageModel& model, std::vector<std::vector<int32_t>> rows,
                                          double temperature, bool* truncated) {
  const size_t context = size_t(model.config().context);
  for (std::vector<int32_t>& ids : rows) {
    if (model.config().objective == Objective::Masked) ids.push_back(SpecialTokens::kMask);
    if (ids.empty()) ids.push_back(SpecialTokens::kEos);  // Nothing before: the start of a document.
    if (truncated) *truncated = ids.size() > context;
    if (ids.size() > context) ids.erase(ids.begin(), ids.end() - long(context));
  }
  const torch::Tensor logits = model.forward(idsTensor(rows, deviceOf(model))).select(1, -1);  // (R, V)
  return distributions(logits, temperature);
}

Continuations::Continuations(LanguageModel& model, std::vector<int32_t> prompt, double temperature, int room)
    : m_model(model), m_gpt(dynamic_cast<GptModel*>(&model)), m_temperature(temperature) {
  const size_t context = size_t(model.config().context);
  const bool causal = model.config().objective == Objective::Causal;
  const size_t keep = std::min(prompt.size(), causal ? context - size_t(std::min(room, int(context) - 1))
                                                     : context - 1);  // a masked model reads a [MASK] too
  m_prompt.assign(prompt.end() - long(keep), prompt.end());
  m_rows = {m_prompt};
  if (!causal) {
    m_first = readNext(m_model, m_rows, m_temperature, nullptr).front();
    return;
  }
  const torch::Tensor ids = idsTensor(m_rows, deviceOf(m_model));
  m_promptLogits =
      (m_gpt ? m_gpt->forward(ids, m_cache) : m_model.forward(ids))[0].to(torch::kFloat);  // (T, V)
  for (KvCache& c : m_cache) c.share();  // Read once, broadcast to every continuation.
  m_first = distributions(m_promptLogits.slice(0, -1), temperature).front();
}

bool Continuations::full() const { return m_gpt && m_cache.front().length() >= m_model.config().context; }

std::vector<std::vector<double>> Continuations::extend(const std::vector<size_t>& from,
                                                       const std::vector<int32_t>& pieces) {
  std::vector<std::vector<int32_t>> rows;
  for (size_t i = 0; i < from.size(); ++i) {
    rows.push_back(m_rows[from[i]]);
    rows.back().push_back(pieces[i]);
  }
  m_rows = std::move(rows);
  if (!m_gpt) return readNext(m_model, m_rows, m_temperature, nullptr);
  const torch::Tensor rowIndex = torch::tensor(std::vector<int64_t>(from.begin(), from.end()), torch::kLong);
  for (KvCache& c : m_cache) c.selectRows(rowIndex.to(deviceOf(m_model)));
  std::vector<std::vector<int32_t>> last;
  for (const int32_t p : pieces) last.push_back({p});
  return distributions(m_gpt->forward(idsTensor(last, deviceOf(m_model)), m_cache).select(1, -1),
                       m_temperature);
}

}  // namespace pretrain
