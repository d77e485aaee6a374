#include "infer/predictor.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "compute/compute_device.h"
#include "infer/candidates.h"
#include "infer/continuations.h"
#include "infer/masked_fill.h"
#include "model/language_model.h"
#include "tokenizer/tokenizer.h"
#include "util/error.h"

namespace pretrain {
namespace {

// A word is extended by at most this many pieces after its first (and a causal prompt keeps room for them):
// most words of a few-thousand-piece vocabulary are one to four pieces.
constexpr int kMaxWordExtension = 3;
// Whole next words come from this many more first pieces than asked for: room for words whose first
// piece is shared with another, or which end in punctuation and are dropped.
constexpr int kExtraFirstPieces = 4;
// A causal model generates from its attention cache with room for this share of its context, then reads
// the latest window afresh.
constexpr int kGenerationRoomDivisor = 4;
// Pieces a generated piece's tooltip lists as what else the model considered.
constexpr int kAlternatives = 5;
// A masked model says how expected each prompt piece was by masking it: this many rows per forward pass.
constexpr size_t kMaskedRowsPerPass = 32;

// LibTorch's thread count is per calling thread (OpenMP): give whichever thread predicts all cores, unless
// it already has a setting (probes run on the training thread, which keeps the run's thread count).
void prepareThread() {
  if (!computeThreadsSet()) setComputeThreads(0);
}

}  // namespace

Predictor::Predictor(std::shared_ptr<LanguageModel> model, std::shared_ptr<const Tokenizer> tokenizer)
    : m_model(std::move(model)), m_tokenizer(std::move(tokenizer)) {
  if (m_model->config().vocabSize != m_tokenizer->vocabSize())
    throw InputError("the model's vocabulary differs from the tokenizer's");
  m_model->eval();
  m_pieceKinds = pieceKinds(*m_tokenizer);
  m_byteLengths = pieceByteLengths(*m_tokenizer);
}

Predictor::~Predictor() = default;

const ModelConfig& Predictor::config() const { return m_model->config(); }

std::vector<int32_t> Predictor::promptIds(const std::string& prompt) const {
  const size_t end = prompt.find_last_not_of(" \t\r\n");
  if (end == std::string::npos) throw InputError("the prompt is empty");
  std::vector<int32_t> ids;
  if (config().objective == Objective::Causal) ids.push_back(SpecialTokens::kEos);
  m_tokenizer->encodeAppend(prompt.substr(0, end + 1), ids);
  return ids;
}

std::vector<int32_t> Predictor::wordPieces(const std::string& word) const {
  const size_t begin = word.find_first_not_of(" \t\r\n"), end = word.find_last_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  const std::string w = word.substr(begin, end - begin + 1);
  // Encoded after another word, so it gets the space mark a word after a space has.
  const std::vector<int32_t> anchor = m_tokenizer->encode("a"), both = m_tokenizer->encode("a " + w);
  if (both.size() > anchor.size() && std::equal(anchor.begin(), anchor.end(), both.begin()))
    return {both.begin() + long(anchor.size()), both.end()};
  return m_tokenizer->encode(w);
}

NextTokenResult Predictor::next(const std::string& prompt, int topK, double temperature) const {
  NextOptions o;
  o.topK = topK;
  o.temperature = temperature;
  return next(prompt, o);
}

NextTokenResult Predictor::next(const std::string& prompt, const NextOptions& o) const {
  const bool causal = config().objective == Objective::Causal;
  const std::vector<int32_t> ids = promptIds(prompt);
  prepareThread();
  torch::NoGradGuard guard;
  Continuations continuations(*m_model, ids, o.temperature, o.words ? kMaxWordExtension : 0);
  NextTokenResult r;
  r.promptTokens = int(ids.size()) - (causal ? 1 : 0);  // Not counting the </s> before a causal prompt.
  r.truncated = int(continuations.prompt().size()) < r.promptTokens;
  const std::vector<double>& probs = continuations.first();
  for (const double p : probs)
    if (p > 0) r.entropyBits -= p * std::log2(p);
  r.candidates = o.words ? nextWords(continuations, o.topK) : topCandidates(*m_tokenizer, probs, o.topK);
  if (o.promptPieces) r.pieces = promptPieces(ids, continuations);
  return r;
}

std::vector<TokenCandidate> Predictor::nextWords(Continuations& continuations, int topK) const {
  struct Path {
    std::vector<int32_t> pieces;
    double prob;
  };
  std::vector<Path> paths;
  std::vector<size_t> from, pathOfRow;  // Each row extends a row of the last round, for a path.
  std::vector<int32_t> pieces;
  // A word is no more probable than its first piece, so the top-k words come from the first pieces at the
  // top.
  for (const TokenCandidate& c :
       topCandidates(*m_tokenizer, continuations.first(), topK + kExtraFirstPieces)) {
    if (m_pieceKinds[size_t(c.id)] == PieceKind::Special) continue;
    pathOfRow.push_back(paths.size());
    paths.push_back({{c.id}, c.prob});
    from.push_back(0);  // All after the prompt.
    pieces.push_back(c.id);
  }
  // Each path is extended by its most probable next piece while that piece carries the word on.
  for (int round = 0; round < kMaxWordExtension && !pieces.empty() && !continuations.full(); ++round) {
    const auto next = continuations.extend(from, pieces);
    std::vector<size_t> nextFrom, nextPaths;
    std::vector<int32_t> nextPieces;
    for (size_t r = 0; r < next.size(); ++r) {
      const auto best = int32_t(std::max_element(next[r].begin(), next[r].end()) - next[r].begin());
      if (!carriesWordOn(m_pieceKinds[size_t(best)], m_tokenizer->piece(best))) continue;
      Path& path = paths[pathOfRow[r]];
      path.pieces.push_back(best);
      path.prob *= next[r][size_t(best)];
      nextFrom.push_back(r);
      nextPieces.push_back(best);
      nextPaths.push_back(pathOfRow[r]);
    }
    from = std::move(nextFrom);
    pieces = std::move(nextPieces);
    pathOfRow = std::move(nextPaths);
  }
  // The same word reached through different pieces is one candidate.
  std::vector<std::vector<int32_t>> pieceLists;
  std::vector<double> probs;
  for (const Path& path : paths) {
    pieceLists.push_back(path.pieces);
    probs.push_back(path.prob);
  }
  std::vector<TokenCandidate> words;
  for (const TokenCandidate& c : wordCandidates(*m_tokenizer, pieceLists, probs)) {
    const auto same =
        std::find_if(words.begin(), words.end(), [&](const auto& w) { return w.text == c.text; });
    if (same == words.end())
      words.push_back(c);
    else
      same->prob += c.prob;
  }
  sortByProbability(words);
  words.resize(std::min(words.size(), size_t(std::max(0, topK))));
  return words;
}

PromptPiece Predictor::promptPiece(int32_t id, double prob) const {
  return {id, pieceText(m_tokenizer->piece(id)), prob};
}

std::vector<PromptPiece> Predictor::promptPieces(const std::vector<int32_t>& allIds,
                                                 const Continuations& continuations) const {
  std::vector<PromptPiece> out;
  if (config().objective == Objective::Causal) {
    // Read with the prompt: position t predicted piece t + 1. The first piece kept has nothing before it
    // to be read from (</s> when the whole prompt fits), so it is not shown.
    const std::vector<int32_t>& ids = continuations.prompt();
    const torch::Tensor probs = torch::softmax(continuations.promptLogits(), -1);
    for (size_t t = 1; t < ids.size(); ++t)
      out.push_back(promptPiece(ids[t], probs[long(t - 1)][ids[t]].item<double>()));
    return out;
  }
  // A masked model: each piece masked in turn, all of them in batches of rows.
  const size_t context = size_t(config().context);
  const std::vector<int32_t> ids(allIds.end() - long(std::min(allIds.size(), context)), allIds.end());
  for (size_t from = 0; from < ids.size(); from += kMaskedRowsPerPass) {
    std::vector<std::vector<int32_t>> rows;
    for (size_t i = from; i < std::min(ids.size(), from + kMaskedRowsPerPass); ++i) {
      rows.push_back(ids);
      rows.back()[i] = SpecialTokens::kMask;
    }
    const torch::Tensor logits = m_model->forward(idsTensor(rows, deviceOf(*m_model))).to(torch::kFloat);
    for (size_t r = 0; r < rows.size(); ++r)
      out.push_back(promptPiece(
          ids[from + r], torch::softmax(logits[long(r)][long(from + r)], -1)[ids[from + r]].item<double>()));
  }
  return out;
}

WordProbability Predictor::probabilityOf(const std::string& prompt, const std::string& word,
                                         double temperature) const {
  std::vector<int32_t> ids = promptIds(prompt);
  const std::vector<int32_t> pieces = wordPieces(word);
  if (pieces.empty()) throw InputError("the word is empty");
  prepareThread();
  torch::NoGradGuard guard;
  WordProbability r;
  r.pieces = int(pieces.size());
  r.prob = 1;
  for (size_t j = 0; j < pieces.size(); ++j) {
    const std::vector<double> probs = readNext(*m_model, {ids}, temperature, nullptr).front();
    const double p = probs[size_t(pieces[j])];
    if (j == 0) r.rank = 1 + int(std::count_if(probs.begin(), probs.end(), [p](double q) { return q > p; }));
    r.prob *= p;
    ids.push_back(pieces[j]);
  }
  return r;
}

WordProbability Predictor::maskedProbabilityOf(const std::string& text, const std::string& word) const {
  std::vector<MaskPrediction> masks;
  const std::vector<int32_t> ids = encodeWithMasks(*m_tokenizer, text, masks);
  if (masks.size() != 1) throw InputError("the text needs exactly one [MASK]");
  const std::vector<int32_t> pieces = wordPieces(word);
  if (pieces.empty()) throw InputError("the word is empty");
  prepareThread();
  torch::NoGradGuard guard;
  return MaskedFill(*m_model, *m_tokenizer, m_pieceKinds).probabilityOf(ids, masks.front(), pieces);
}

std::vector<MaskPrediction> Predictor::fill(const std::string& text, int topK) const {
  if (text.find(kMaskText) == std::string::npos) throw InputError("the text has no [MASK] to fill");
  std::vector<MaskPrediction> masks;
  const std::vector<int32_t> ids = encodeWithMasks(*m_tokenizer, text, masks);
  prepareThread();
  torch::NoGradGuard guard;
  return MaskedFill(*m_model, *m_tokenizer, m_pieceKinds).fill(ids, masks, topK);
}

std::vector<MaskPrediction> Predictor::fillWords(const std::string& text, const std::vector<int>& wordIndices,
                                                 int topK) const {
  // Typed masks stand for one piece each: clicked words beside them become masks of the same kind.
  if (text.find(kMaskText) != std::string::npos) return fill(maskWords(text, wordIndices), topK);
  const std::vector<int32_t> ids = m_tokenizer->encode(text);
  const std::vector<MaskPrediction> masks = masksOfWords(*m_tokenizer, text, ids, wordIndices, m_byteLengths);
  prepareThread();
  torch::NoGradGuard guard;
  return MaskedFill(*m_model, *m_tokenizer, m_pieceKinds).fill(ids, masks, topK);
}

std::string Predictor::generate(const std::string& prompt, const GenerateOptions& o,
                                const std::function<bool(const GeneratedPiece&)>& onPiece) const {
  std::vector<int32_t> ids = promptIds(prompt);
  const std::string promptText = m_tokenizer->decode(ids);
  std::string shown;
  std::mt19937_64 rng(o.seed);
  prepareThread();
  torch::NoGradGuard guard;
  const int room = std::min(o.maxNewTokens, std::max(1, config().context / kGenerationRoomDivisor));
  auto continuations = std::make_unique<Continuations>(*m_model, ids, o.temperature, room);
  std::vector<double> p = continuations->first();
  SamplingOptions cut = o;
  cut.temperature = 1.0;  // The continuations' distributions are at o.temperature already.
  for (int n = 0; n < o.maxNewTokens; ++n) {
    const SampledPiece s = samplePiece(p, cut, std::uniform_real_distribution<double>(0.0, 1.0)(rng));
    if (s.id == SpecialTokens::kEos) break;
    ids.push_back(s.id);
    // Decode the whole text each time: a character split over byte pieces appears once it is complete.
    const std::string full = m_tokenizer->decode(ids);
    const std::string generated = full.rfind(promptText, 0) == 0 ? full.substr(promptText.size()) : full;
    if (generated.size() > shown.size() && generated.compare(0, shown.size(), shown) == 0) {
      const std::string delta = generated.substr(shown.size());
      shown = generated;
      if (onPiece && !onPiece({delta, s.prob, topCandidates(*m_tokenizer, p, kAlternatives)})) break;
    }
    if (n + 1 == o.maxNewTokens) break;
    if (continuations->full()) {
      continuations = std::make_unique<Continuations>(*m_model, ids, o.temperature, room);
      p = continuations->first();
    } else {
      p = continuations->extend({0}, {s.id}).front();
    }
  }
  return shown;
}

}  // namespace pretrain
