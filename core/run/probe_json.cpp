#include "run/probe_json.h"

#include <limits>
#include <nlohmann/json.hpp>

#include "run/json_number.h"
#include "util/error.h"

using nlohmann::json;

namespace pretrain {

std::string probesToJson(const std::vector<Probe>& probes) {
  json list = json::array();
  for (const Probe& p : probes) list.push_back({{"text", p.text}, {"target", p.target}});
  return json{{"probes", list}}.dump(2) + "\n";
}

std::vector<Probe> probesFromJson(const std::string& text) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.contains("probes") || !j["probes"].is_array())
    throw InputError("the probe list is damaged (not the JSON this program writes)");
  std::vector<Probe> out;
  for (const json& p : j["probes"]) {
    if (!p.is_object() || !p.contains("text") || !p.contains("target") || !p["text"].is_string() ||
        !p["target"].is_string())
      throw InputError("the probe list is damaged (a probe without text or target)");
    out.push_back({p["text"], p["target"]});
  }
  return out;
}

std::string probeResultToJson(const ProbeResult& r) {
  return json{{"step", r.step}, {"probe", r.probe}, {"prob", jsonNumber(r.prob)}, {"rank", r.rank}}.dump();
}

bool probeResultFromJson(const std::string& line, ProbeResult& r) {
  const json j = json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  r.step = integerField(j, "step", -1);
  r.probe = int(integerField(j, "probe", -1));
  r.prob = numberField(j, "prob", std::numeric_limits<double>::quiet_NaN());
  r.rank = int(integerField(j, "rank", 0));
  return r.step >= 0 && r.probe >= 0;
}

}  // namespace pretrain
