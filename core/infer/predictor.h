#pragma once
// What a trained model says: the next-token distribution for a prompt, the candidates for masked words,
// and generated text. Works with both objectives: a causal model reads the next token directly and ranks a
// masked word's candidates by the likelihood of the whole sentence; a masked model predicts a [MASK]
// appended to the prompt and fills masks directly. Runs on its own copy of the weights (a snapshot), so it
// can be used from another thread while training goes on. No LibTorch in this header.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "infer/predictions.h"
#include "model/model_config.h"
#include "tokenizer/word_pieces.h"

namespace pretrain {

class Continuations;
class LanguageModel;
class Tokenizer;

class Predictor {
 public:
  Predictor(std::shared_ptr<LanguageModel> model, std::shared_ptr<const Tokenizer> tokenizer);
  ~Predictor();

  const ModelConfig& config() const;
  const Tokenizer& tokenizer() const { return *m_tokenizer; }

  /// The next piece (or word) after `prompt`. A causal model reads the prompt as the start of a document.
  /// Trailing spaces are ignored: the next word brings its own. Throws InputError for an empty prompt.
  NextTokenResult next(const std::string& prompt, const NextOptions& options) const;
  NextTokenResult next(const std::string& prompt, int topK, double temperature = 1.0) const;
  /// The probability that `word` comes next after `prompt` (as a word of its own), and its rank.
  WordProbability probabilityOf(const std::string& prompt, const std::string& word,
                                double temperature = 1.0) const;
  /// The probability that `word` fills the one [MASK] in `text`, and its rank. A masked model reads it
  /// directly (piece by piece); a causal model ranks it among the candidates fill() scores by the
  /// likelihood of the whole sentence, the word added to them when the left context does not propose it.
  WordProbability maskedProbabilityOf(const std::string& text, const std::string& word) const;
  /// One prediction per "[MASK]" in `text`, filled most confident first. Throws InputError when the text
  /// has no [MASK] or is longer than the context.
  std::vector<MaskPrediction> fill(const std::string& text, int topK) const;
  /// Masks the words at `wordIndices` (0-based, as splitWords() counts them; all pieces of each word,
  /// trailing punctuation excluded) and predicts each, piece by piece, most confident first; candidates are
  /// whole words with the product of their pieces' probabilities. In a text that also holds typed [MASK]s,
  /// the clicked words become [MASK]s too (maskWords()) and fill() answers. Throws InputError for an index
  /// out of range.
  std::vector<MaskPrediction> fillWords(const std::string& text, const std::vector<int>& wordIndices,
                                        int topK) const;
  /// Continues `prompt`; `onPiece` receives each new piece of text as it is produced, with its probability
  /// and the alternatives (return false to stop). Stops at the end of a document (</s>). Returns the
  /// generated text.
  std::string generate(const std::string& prompt, const GenerateOptions& options,
                       const std::function<bool(const GeneratedPiece&)>& onPiece = {}) const;

  // The views inside the model (model_views.cpp). A masked model reads the prompt with a [MASK] appended,
  // as next() does, unless the prompt holds [MASK]s of its own. Throws InputError for an empty prompt.
  /// The logit lens of `prompt`: the `topK` most probable pieces at each layer and position, and where
  /// `word` is given, its first piece's probability and rank at each.
  LensResult lens(const std::string& prompt, int topK, const std::string& word = {}) const;
  /// Every head's attention weights over `prompt` (its last kMaxAttentionPieces pieces at most).
  AttentionResult attention(const std::string& prompt) const;

 private:
  /// The ids a prompt is read as: trailing spaces dropped; for a causal model, after </s> (a document's
  /// start, as in training). Throws InputError for an empty prompt.
  std::vector<int32_t> promptIds(const std::string& prompt) const;
  /// promptIds(), with [MASK] appended for a masked model, cut to the last `limit` pieces.
  std::vector<int32_t> viewIds(const std::string& prompt, size_t limit, bool& truncated) const;
  /// The pieces of `word` as a word of its own (after a space).
  std::vector<int32_t> wordPieces(const std::string& word) const;
  /// Whole next words: the most probable first pieces, each extended while its next piece carries the
  /// word on.
  std::vector<TokenCandidate> nextWords(Continuations& continuations, int topK) const;
  /// How expected each piece of `ids` was; `continuations` holds a causal model's reading of the prompt.
  std::vector<PromptPiece> promptPieces(const std::vector<int32_t>& ids,
                                        const Continuations& continuations) const;
  PromptPiece promptPiece(int32_t id, double prob) const;

  std::shared_ptr<LanguageModel> m_model;
  std::shared_ptr<const Tokenizer> m_tokenizer;
  std::vector<PieceKind> m_pieceKinds;  // per id
  std::vector<uint32_t> m_byteLengths;  // per id: bytes of text it stands for
};

}  // namespace pretrain
