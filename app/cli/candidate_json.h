#pragma once
// A candidate token or word as every command's --json writes it: {"id", "text", "token", "prob"}, so a
// script reads `next`, `fill`, `lens`, `attention` and `compare` alike.

#include <nlohmann/json.hpp>
#include <vector>

#include "infer/predictions.h"

namespace pretrain::cli {

/// "id": the (first) piece's id, "text": as text, "token": the pieces as the tokenizer writes them,
/// "prob": its probability (a word's: the product of its pieces').
nlohmann::json candidateJson(const TokenCandidate& c);
nlohmann::json candidatesJson(const std::vector<TokenCandidate>& candidates);

}  // namespace pretrain::cli
