#pragma once
// Filling masked words, with either kind of model. A masked (BERT-style) model reads the [MASK]s directly
// and fills them most confident first. A causal (GPT-style) model proposes candidates from the left
// context and ranks them by the likelihood of the whole sentence with each in place, so the right context
// has its say. A word of several pieces is filled piece by piece and reported whole, with the product of
// its pieces' probabilities. No LibTorch in this header.

#include <cstdint>
#include <string>
#include <vector>

#include "infer/predictions.h"
#include "tokenizer/word_pieces.h"

namespace pretrain {

class LanguageModel;
class Tokenizer;

/// The ids of a text holding [MASK]s, each standing for one piece with its leading space mark (the spaces
/// around a mask are the mask's own), and one prediction to make per mask, in order.
std::vector<int32_t> encodeWithMasks(const Tokenizer& tokenizer, const std::string& text,
                                     std::vector<MaskPrediction>& masks);

/// What to mask for the words at `wordIndices` of `text` (encoded as `ids`): all of each word's pieces but
/// trailing punctuation ("dog." -> "dog"), in word order. Throws InputError for an index out of range.
std::vector<MaskPrediction> masksOfWords(const Tokenizer& tokenizer, const std::string& text,
                                         const std::vector<int32_t>& ids, const std::vector<int>& wordIndices,
                                         const std::vector<uint32_t>& byteLengths);

class MaskedFill {
 public:
  /// Call with gradients off, from a thread set up for inference (Predictor does both).
  MaskedFill(LanguageModel& model, const Tokenizer& tokenizer, const std::vector<PieceKind>& kinds);

  /// The masks' positions of `ids` hidden and filled. Throws InputError when `ids` is longer than the
  /// context.
  std::vector<MaskPrediction> fill(std::vector<int32_t> ids, std::vector<MaskPrediction> masks,
                                   int topK) const;
  /// The probability that `pieces` fill the one mask of `ids`, and the rank: a masked model reads the
  /// pieces directly, each given the ones before; a causal model ranks the word among the candidates
  /// fill() scores, the word added to them when the left context does not propose it.
  WordProbability probabilityOf(std::vector<int32_t> ids, const MaskPrediction& mask,
                                const std::vector<int32_t>& pieces) const;

 private:
  void checkFits(size_t length) const;
  std::vector<MaskPrediction> fillMasked(const std::vector<int32_t>& ids, std::vector<MaskPrediction> masks,
                                         int topK) const;
  /// The candidates of a masked model's word of several pieces: the top choices at its surest piece,
  /// each completed most confident first.
  std::vector<TokenCandidate> multiPieceCandidates(const std::vector<int32_t>& base, const MaskPrediction& m,
                                                   int topK) const;
  /// `forced`: a word's pieces to rank among the first mask's candidates even when the left context would
  /// not propose it; all candidates are then kept.
  std::vector<MaskPrediction> fillCausal(std::vector<int32_t> ids, std::vector<MaskPrediction> masks,
                                         int topK, const std::vector<int32_t>& forced = {}) const;
  /// Rows of the left context followed by a candidate word of `pieces` pieces (each completed greedily).
  std::vector<std::vector<int32_t>> causalCandidates(const std::vector<int32_t>& left,
                                                     const MaskPrediction& m, int count) const;
  /// log p(row[from...]) given what comes before, one forward pass per distinct row length.
  std::vector<double> logLikelihoods(const std::vector<std::vector<int32_t>>& rows, size_t from) const;
  /// Fills `positions` of `ids` most confident first; returns the product of the chosen pieces'
  /// probabilities.
  double fillGreedily(std::vector<int32_t>& ids, std::vector<int> positions,
                      std::vector<bool> wordStarts) const;

  LanguageModel& m_model;
  const Tokenizer& m_tokenizer;
  const std::vector<PieceKind>& m_kinds;
};

}  // namespace pretrain
