#pragma once
// Numbers in the run's JSON files. JSON has no NaN or infinity, and a training run produces both (a skipped
// step's loss, an evaluation with nothing to evaluate): they are written as the strings "NaN", "Infinity"
// and "-Infinity", which read back exactly and keep every line valid JSON (null, as some writers put it,
// reads as NaN). Reading never throws: a field that is missing or of another type gives the fallback.
// No LibTorch here.

#include <cstdint>
#include <nlohmann/json.hpp>

namespace pretrain {

/// `x` as JSON: a number, or one of the strings above.
nlohmann::json jsonNumber(double x);
/// j[key] as a number (NaN for null or a non-finite string); `fallback` when missing or not a number.
double numberField(const nlohmann::json& j, const char* key, double fallback);
/// j[key] as a whole number; `fallback` when missing or not one.
int64_t integerField(const nlohmann::json& j, const char* key, int64_t fallback);

}  // namespace pretrain
