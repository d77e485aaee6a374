#include "cli/candidate_json.h"

namespace pretrain::cli {

nlohmann::json candidateJson(const TokenCandidate& c) {
  return {{"id", c.id}, {"text", c.text}, {"token", c.piece}, {"prob", c.prob}};
}

nlohmann::json candidatesJson(const std::vector<TokenCandidate>& candidates) {
  nlohmann::json out = nlohmann::json::array();
  for (const TokenCandidate& c : candidates) out.push_back(candidateJson(c));
  return out;
}

}  // namespace pretrain::cli
