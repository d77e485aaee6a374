#include "infer/sampling.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "util/error.h"

namespace pretrain {
namespace {

void checkDistribution(const std::vector<double>& probs) {
  double mass = 0;
  for (const double p : probs) {
    if (!std::isfinite(p) || p < 0)
      throw Error("the next-piece distribution holds " +
                  std::string(std::isnan(p) ? "NaN" : "an invalid value") +
                  ": the model's weights have diverged");
    mass += p;
  }
  if (!(mass > 0)) throw Error("the next-piece distribution has no mass");
}

}  // namespace

std::vector<double> applyTemperature(std::vector<double> probs, double temperature) {
  checkDistribution(probs);
  if (temperature == 1.0) return probs;
  if (temperature <= 0) {
    const size_t best = size_t(std::max_element(probs.begin(), probs.end()) - probs.begin());
    std::fill(probs.begin(), probs.end(), 0.0);
    probs[best] = 1.0;
    return probs;
  }
  // In log space, relative to the largest, so that a low temperature cannot overflow.
  const double top = std::log(*std::max_element(probs.begin(), probs.end()));
  double total = 0;
  for (double& p : probs) total += (p = p > 0 ? std::exp((std::log(p) - top) / temperature) : 0.0);
  for (double& p : probs) p /= total;
  return probs;
}

std::vector<SampledPiece> samplingPool(const std::vector<double>& probs, const SamplingOptions& o) {
  const std::vector<double> p = applyTemperature(probs, o.temperature);
  std::vector<int32_t> order(p.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int32_t a, int32_t b) { return p[size_t(a)] > p[size_t(b)]; });
  size_t keep = o.topK > 0 ? std::min(order.size(), size_t(o.topK)) : order.size();
  double mass = 0;
  for (size_t i = 0; i < keep; ++i) {
    mass += p[size_t(order[i])];
    if (mass >= o.topP) {
      keep = i + 1;
      break;
    }
  }
  double total = 0;
  for (size_t i = 0; i < keep; ++i) total += p[size_t(order[i])];
  std::vector<SampledPiece> pool;
  for (size_t i = 0; i < keep; ++i) pool.push_back({order[i], p[size_t(order[i])] / total});
  return pool;
}

SampledPiece samplePiece(const std::vector<double>& probs, const SamplingOptions& options, double uniform) {
  const std::vector<SampledPiece> pool = samplingPool(probs, options);
  for (const SampledPiece& s : pool)
    if ((uniform -= s.prob) < 0) return s;
  return pool.back();  // Rounding left a sliver past the last piece's share.
}

}  // namespace pretrain
