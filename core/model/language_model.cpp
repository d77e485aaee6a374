#include "model/language_model.h"

#include "model/bert_model.h"
#include "model/gpt_model.h"

namespace pretrain {

std::shared_ptr<LanguageModel> makeModel(const ModelConfig& config) {
  config.validate();
  if (config.objective == Objective::Causal) return std::make_shared<GptModel>(config);
  return std::make_shared<BertModel>(config);
}

std::shared_ptr<LanguageModel> snapshotModel(LanguageModel& model) {
  auto copy = makeModel(model.config());
  copy->to(model.parameters().front().device());
  torch::NoGradGuard guard;
  const auto src = model.named_parameters();
  for (auto& p : copy->named_parameters()) p.value().copy_(src[p.key()]);
  copy->eval();
  return copy;
}

}  // namespace pretrain
