#include "train/train_config.h"

#include <nlohmann/json.hpp>

#include "train/train_settings.h"
#include "util/error.h"

namespace pretrain {

void TrainConfig::validate() const {
  for (const TrainSetting& s : trainSettings()) s.check(*this);
  // What no single row can say.
  if (masking.maskShare + masking.randomShare > 1)
    throw InputError("mask and random shares must add up to at most 1");
}

std::string TrainConfig::toJson() const {
  nlohmann::json j = nlohmann::json::object();
  for (const TrainSetting& s : trainSettings()) s.toJson(*this, j);
  return j.dump();
}

TrainConfig TrainConfig::fromJson(const std::string& text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw InputError("training configuration is not valid JSON");
  TrainConfig c;
  try {
    for (const TrainSetting& s : trainSettings()) s.fromJson(j, c);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(std::string("training configuration is incomplete: ") + e.what());
  }
  c.validate();
  return c;
}

}  // namespace pretrain
