#pragma once
// Choosing a piece from a next-piece distribution: temperature, then top-k, then top-p (nucleus), then a
// draw. Pure functions of their arguments, the random number among them, so each rule has known-answer
// tests (tst_sampling). No LibTorch here.

#include <cstdint>
#include <vector>

namespace pretrain {

struct SamplingOptions {
  double temperature = 1.0;  // 0 = always the most probable piece; < 1 sharper, > 1 flatter
  int topK = 0;              // keep the k most probable pieces; 0 = no cut
  double topP = 1.0;         // then the smallest head of those whose mass reaches topP (nucleus)
};

/// `probs` at `temperature`: p^(1/T), renormalised (the same as a softmax of the logits divided by T); at
/// T = 0 all mass on the most probable piece (the lowest id among ties); T = 1 returns them as they are.
/// Throws Error for a NaN, a negative or infinite value, or a distribution without mass.
std::vector<double> applyTemperature(std::vector<double> probs, double temperature);

struct SampledPiece {
  int32_t id = 0;
  double prob = 0;  ///< In the distribution it was drawn from (after temperature, top-k and top-p).
};

/// The pieces a draw can give, most probable first (the lower id first among ties), with their
/// probabilities renormalised over the pool: temperature, the top-k, then the smallest head whose mass
/// reaches top-p. Throws Error as applyTemperature() does.
std::vector<SampledPiece> samplingPool(const std::vector<double>& probs, const SamplingOptions& options);

/// The piece that `uniform` (in [0, 1)) picks from samplingPool(probs, options): the first whose
/// cumulative probability exceeds it.
SampledPiece samplePiece(const std::vector<double>& probs, const SamplingOptions& options, double uniform);

}  // namespace pretrain
