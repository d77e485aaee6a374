#pragma once
// Candidates as a person reads them: ids turned into pieces and text, with their probability. No LibTorch.

#include <cstdint>
#include <vector>

#include "infer/predictions.h"

namespace pretrain {

class Tokenizer;

/// The `k` most probable ids of `probs`, most probable first.
std::vector<TokenCandidate> topCandidates(const Tokenizer& tokenizer, const std::vector<double>& probs,
                                          int k);
/// Words of one or more pieces as candidates (id of the first piece, pieces joined, decoded text), with
/// `probs`; decoded in one request to the tokenizer.
std::vector<TokenCandidate> wordCandidates(const Tokenizer& tokenizer,
                                           const std::vector<std::vector<int32_t>>& words,
                                           const std::vector<double>& probs);
/// One of those.
TokenCandidate wordCandidate(const Tokenizer& tokenizer, const std::vector<int32_t>& ids, double prob);
/// Most probable first.
void sortByProbability(std::vector<TokenCandidate>& candidates);

}  // namespace pretrain
