#include "run/run_settings.h"

#include <nlohmann/json.hpp>

namespace pretrain {
namespace {

void flatten(const nlohmann::ordered_json& j, const std::string& name, std::vector<RunSetting>& out) {
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) flatten(value, name.empty() ? key : name + "." + key, out);
    return;
  }
  if (j.is_array()) {  // The corpus's inputs: one value, comma-separated.
    std::string joined;
    for (const auto& item : j)
      joined += (joined.empty() ? "" : ", ") + (item.is_string() ? item.get<std::string>() : item.dump());
    out.push_back({name, joined});
    return;
  }
  out.push_back({name, j.is_string() ? j.get<std::string>() : j.dump()});
}

}  // namespace

std::vector<RunSetting> runSettings(const RunConfig& config) {
  std::vector<RunSetting> out;
  flatten(nlohmann::ordered_json::parse(runConfigJson(config)), "", out);
  return out;
}

}  // namespace pretrain
