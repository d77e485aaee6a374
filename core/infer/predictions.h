#pragma once
// What inference answers, as plain values: candidates with their probabilities, a prompt's pieces, masked
// words and generated pieces. The Playground and the command line show these; no LibTorch here.

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "infer/sampling.h"

namespace pretrain {

/// A candidate token, or a candidate word of several pieces (for a masked word).
struct TokenCandidate {
  int32_t id = 0;     ///< The (first) piece's id.
  std::string piece;  ///< As the tokenizer writes it ("▁cheese"); pieces joined for a word.
  std::string text;   ///< As text ("cheese").
  double prob = 0;    ///< For a word of several pieces, the product of its pieces' probabilities.
};

/// A piece of the prompt and how expected it was: its probability given the pieces before it (causal
/// model) or given all the others (masked model: each piece masked in turn).
struct PromptPiece {
  int32_t id = 0;
  std::string text;
  double prob = 0;
};

struct NextOptions {
  int topK = 10;
  double temperature = 1.0;
  bool words = false;  ///< Whole next words: pieces extended to a word boundary, probability = product.
  bool promptPieces = false;  ///< Also say how expected each prompt piece was (NextTokenResult::pieces).
};

struct NextTokenResult {
  std::vector<TokenCandidate> candidates;  ///< Most probable first.
  double entropyBits = 0;                  ///< Of the whole next-piece distribution.
  int promptTokens = 0;
  bool truncated = false;           ///< The prompt was longer than the context: its start was dropped.
  std::vector<PromptPiece> pieces;  ///< The pieces the model saw (NextOptions::promptPieces).
};

/// A word's rank at a [MASK] on a causal model (Predictor::maskedProbabilityOf) is read among the candidates
/// fill() gives for this many (its probability is theirs, renormalised over them; 0 = not ranked).
constexpr int kProbeCandidates = 50;

/// How likely a given word is at a place in the text.
struct WordProbability {
  double prob = 0;  ///< The product of its pieces' probabilities, each given the pieces before it.
  int rank = 0;     ///< Of its first piece among all candidates (1 = most probable); 0 = not ranked.
  int pieces = 0;
};

/// How likely one piece is at a place, and its rank among all pieces there (1 = most probable).
struct PieceRank {
  double prob = 0;
  int rank = 0;
};

/// The logit lens: at each layer, the residual stream read through the model's output layer.
struct LensResult {
  std::vector<int32_t> ids;  ///< The pieces read (a causal prompt after </s>; a masked one before [MASK]).
  /// [layer][position]: the most probable pieces there, most probable first. The last layer's are the
  /// model's own output (causal: the next piece at each position; masked: each position's own piece).
  std::vector<std::vector<std::vector<TokenCandidate>>> layers;
  /// The pieces of the word asked for (empty when none was). The lens reads one position, so it can only
  /// say how likely the word's first piece is there: for a word of several pieces that is more than the
  /// word's own probability (Predictor::probabilityOf, the product of its pieces').
  std::vector<int32_t> wordPieces;
  std::string wordFirstPiece;  ///< The first of them as text.
  /// [layer][position]: the probability and rank of the word's first piece there (empty: none asked for).
  std::vector<std::vector<PieceRank>> word;
  bool truncated = false;  ///< The prompt was longer than the context: its start was dropped.
};

/// Attention weights of every head of every layer over the pieces read.
struct AttentionResult {
  std::vector<int32_t> ids;
  /// [layer][head][query][key], each row summing to 1 (causal: zero above the diagonal).
  std::vector<std::vector<std::vector<std::vector<float>>>> layers;
  bool truncated = false;  ///< Only the last kMaxAttentionPieces pieces (or the context) are shown.
};

/// A head's attention entropy in bits, its rows' averaged ([query][key]): low for a head that looks at one
/// place, high for one that spreads out.
inline double attentionEntropyBits(const std::vector<std::vector<float>>& head) {
  double total = 0;
  for (const std::vector<float>& row : head)
    for (const float w : row)
      if (w > 0) total -= double(w) * std::log2(double(w));
  return head.empty() ? 0 : total / double(head.size());
}

/// Attention maps of more pieces than this are unreadable and slow to draw: longer prompts are cut.
constexpr int kMaxAttentionPieces = 128;

/// A generated piece, with what else the model considered at that point.
struct GeneratedPiece {
  std::string text;
  double prob = 0;                           ///< Of the chosen piece (after temperature, top-k and top-p).
  std::vector<TokenCandidate> alternatives;  ///< The most probable pieces at that point.
};

struct MaskPrediction {
  int wordIndex = 0;           ///< Which whitespace-separated word of the text the mask is (0-based).
  std::vector<int> positions;  ///< Its token positions: one for a [MASK], a word's pieces for fillWords().
  std::string original;        ///< The masked word as it was (fillWords() only).
  bool startsWord = true;  ///< The mask begins a word ("▁..."); false for "pizza[MASK]" (no space before).
  std::vector<TokenCandidate> candidates;  ///< Most probable first.
};

/// Sampling's temperature, top-k and top-p (sampling.h), and how much to generate from which seed. The
/// defaults (`pretrain generate`'s; the Playground's but for the temperature, which it shares with its
/// next-word view): a sentence or two, from the 40 likeliest pieces within 95% of the probability, a little
/// sharper than the model, so the text stays readable while still showing the model's range.
struct GenerateOptions : SamplingOptions {
  GenerateOptions() {
    temperature = 0.8;
    topK = 40;
    topP = 0.95;
  }
  int maxNewTokens = 40;
  uint64_t seed = 0;
};

}  // namespace pretrain
