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

#include "model/model_config.h"

namespace pretrain {

class Continuations;
class LanguageModel;
class Tokenizer;

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

/// How likely a given word is at a place in the text.
struct WordProbability {
  double prob = 0;  ///< The product of its pieces' probabilities, each given the pieces before it.
  int rank = 0;     ///< Of its first piece among all candidates (1 = most probable); 0 = not ranked.
  int pieces = 0;
};

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

struct GenerateOptions {
  int maxNewTokens = 50;
  double temperature = 1.0;  // 0 = always the most probable token
  int topK = 0;              // 0 = no top-k cut
  double topP = 1.0;         // nucleus: smallest set of tokens whose probabilities reach topP
  uint64_t seed = 0;
};

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
  /// Masks the words at `wordIndices` (whitespace-separated, 0-based; all pieces of each word, trailing
  /// punctuation excluded) and predicts each, piece by piece, most confident first; candidates are whole
  /// words with the product of their pieces' probabilities. Throws InputError for an index out of range.
  std::vector<MaskPrediction> fillWords(const std::string& text, const std::vector<int>& wordIndices,
                                        int topK) const;
  /// Continues `prompt`; `onPiece` receives each new piece of text as it is produced, with its probability
  /// and the alternatives (return false to stop). Stops at the end of a document (</s>). Returns the
  /// generated text.
  std::string generate(const std::string& prompt, const GenerateOptions& options,
                       const std::function<bool(const GeneratedPiece&)>& onPiece = {}) const;

 private:
  /// The ids a prompt is read as: trailing spaces dropped; for a causal model, after </s> (a document's
  /// start, as in training). Throws InputError for an empty prompt.
  std::vector<int32_t> promptIds(const std::string& prompt) const;
  /// The pieces of `word` as a word of its own (after a space).
  std::vector<int32_t> wordPieces(const std::string& word) const;
  std::vector<double> nextDistribution(std::vector<int32_t> ids, double temperature, bool* truncated) const;
  /// nextDistribution() for rows of equal length, in one forward pass.
  std::vector<std::vector<double>> nextDistributions(std::vector<std::vector<int32_t>> rows,
                                                     double temperature, bool* truncated) const;
  /// Whole next words: the most probable first pieces, each extended while its next piece carries on the
  /// word.
  std::vector<TokenCandidate> nextWords(Continuations& continuations, int topK) const;
  /// How expected each piece of `ids` was; `continuations` holds a causal model's reading of the prompt.
  std::vector<PromptPiece> promptPieces(const std::vector<int32_t>& ids,
                                        const Continuations& continuations) const;
  PromptPiece promptPiece(int32_t id, double prob) const;
  /// A piece that carries on a word: no "▁", and a letter or digit (not punctuation or a byte).
  bool continuesWord(int32_t id) const;
  std::vector<MaskPrediction> fillSpans(std::vector<int32_t> ids, std::vector<MaskPrediction> masks,
                                        int topK) const;
  std::vector<MaskPrediction> fillMasked(std::vector<int32_t> ids, std::vector<MaskPrediction> masks,
                                         int topK) const;
  /// `forced`: a word's pieces to rank among the first mask's candidates even when the left context would
  /// not propose it; all candidates are then kept (for maskedProbabilityOf()).
  std::vector<MaskPrediction> fillCausal(std::vector<int32_t> ids, std::vector<MaskPrediction> masks,
                                         int topK, const std::vector<int32_t>& forced = {}) const;
  /// Fills `positions` of `ids` with the masked model, most confident first; returns the product of the
  /// chosen pieces' probabilities.
  double fillGreedily(std::vector<int32_t>& ids, std::vector<int> positions,
                      std::vector<bool> wordStarts) const;
  std::vector<TokenCandidate> top(const std::vector<double>& probs, int k) const;
  TokenCandidate wordCandidate(const std::vector<int32_t>& ids, double prob) const;

  std::shared_ptr<LanguageModel> m_model;
  std::vector<uint8_t> m_pieceKinds;  // per id: continues a word, starts one ("▁..."), or is special
  std::shared_ptr<const Tokenizer> m_tokenizer;
};

}  // namespace pretrain
