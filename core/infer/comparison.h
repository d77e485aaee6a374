#pragma once
// Two models side by side on one prompt: two runs, or two steps of one run. Their next-piece
// distributions, the KL divergence between them, and how surprised each was by every piece of the prompt,
// so a person sees where one model has learnt what the other has not. Both must read text with the same
// tokenizer (a piece of one is not a piece of the other). No LibTorch here.

#include <cstdint>
#include <string>
#include <vector>

#include "infer/predictions.h"

namespace pretrain {

class Predictor;

/// A piece of the prompt and the surprise of each model at it: -log2 of its probability given what came
/// before (causal) or given the rest (masked), as PromptPiece says.
struct PieceSurprise {
  int32_t id = 0;
  std::string text;
  double bitsA = 0, bitsB = 0;
};

/// A next piece and its probability under each model.
struct PairedCandidate {
  TokenCandidate candidate;  ///< Its prob is A's.
  double probB = 0;
};

struct NextComparison {
  std::vector<TokenCandidate> a, b;  ///< Each model's most probable next pieces.
  /// Both lists' pieces once each, with both probabilities, the most probable under either first.
  std::vector<PairedCandidate> both;
  /// KL(A || B) of the whole next-piece distributions, in bits: 0 for the same model; how many extra bits
  /// B needs on average to encode what A expects.
  double klBits = 0;
  std::vector<PieceSurprise> pieces;
};

/// Throws InputError when the two read text with different tokenizers (other pieces, or the prompt split
/// otherwise), or for an empty prompt.
NextComparison compareNext(const Predictor& a, const Predictor& b, const std::string& prompt, int topK);

}  // namespace pretrain
