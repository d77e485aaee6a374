#include "infer/predictor.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>
#include <set>

#include "model/gpt_model.h"
#include "model/language_model.h"
#include "tokenizer/tokenizer.h"
#include "compute/compute_device.h"
#include "util/error.h"

namespace pretrain {
namespace {

// LibTorch's thread count is per calling thread (OpenMP): give whichever thread predicts all cores, unless
// it already has a setting (probes run on the training thread, which keeps the run's thread count).
void prepareThread() {
  if (!computeThreadsSet()) setComputeThreads(0);
}

int countWords(const std::string& s) {
  int words = 0;
  bool in = false;
  for (const char c : s) {
    const bool space = std::isspace(static_cast<unsigned char>(c));
    if (!space && !in) ++words;
    in = !space;
  }
  return words;
}

// Ids of a text holding [MASK]s, where each mask stands for one piece with its leading "▁": the spaces
// around a mask are the mask's own, so they are not encoded as separate "▁" pieces.
std::vector<int32_t> encodeWithMasks(const Tokenizer& tok, const std::string& text,
                                     std::vector<MaskPrediction>& masks) {
  std::vector<int32_t> ids;
  size_t pos = 0;
  for (;;) {
    const size_t at = text.find(kMaskText, pos);
    std::string segment = text.substr(pos, at == std::string::npos ? std::string::npos : at - pos);
    if (pos > 0 && !segment.empty() && segment.front() == ' ') segment.erase(0, 1);
    if (at != std::string::npos && !segment.empty() && segment.back() == ' ') segment.pop_back();
    if (!segment.empty()) tok.encodeAppend(segment, ids);
    if (at == std::string::npos) break;
    MaskPrediction m;
    m.wordIndex = countWords(text.substr(0, at));
    m.positions = {int(ids.size())};
    m.startsWord = at == 0 || text[at - 1] == ' ';
    masks.push_back(m);
    ids.push_back(SpecialTokens::kMask);
    pos = at + std::strlen(kMaskText);
  }
  return ids;
}

torch::Tensor idsTensor(const std::vector<std::vector<int32_t>>& rows, const torch::Device& device) {
  const int64_t cols = int64_t(rows.front().size());
  torch::Tensor t = torch::empty({int64_t(rows.size()), cols}, torch::kLong);
  auto a = t.accessor<int64_t, 2>();
  for (size_t r = 0; r < rows.size(); ++r)
    for (int64_t c = 0; c < cols; ++c) a[int64_t(r)][c] = rows[r][size_t(c)];
  return t.to(device);
}

// Piece kinds for restrict(): what may fill which part of a masked word.
constexpr uint8_t kContinues = 0, kStartsWord = 1, kSpecial = 2;

// `probs` (..., V) restricted to the pieces that start a word (or to those that continue one), renormalised:
// a masked word is filled with a word, not with the end of another or a control token.
torch::Tensor restrict(const torch::Tensor& probs, const std::vector<uint8_t>& kinds, bool wordStart) {
  const torch::Tensor kind =
      torch::from_blob(const_cast<uint8_t*>(kinds.data()), {int64_t(kinds.size())}, torch::kUInt8)
          .to(probs.device());
  const torch::Tensor kept = probs * kind.eq(wordStart ? kStartsWord : kContinues);
  return kept / kept.sum(-1, /*keepdim=*/true).clamp_min(1e-30);
}

std::vector<double> toVector(const torch::Tensor& probs) {
  const torch::Tensor p = probs.to(torch::kCPU, torch::kDouble).contiguous();
  return std::vector<double>(p.data_ptr<double>(), p.data_ptr<double>() + p.numel());
}

// Softmax at `temperature` of each row of logits (R, V), in one call; at temperature 0, all mass on each
// row's most probable.
std::vector<std::vector<double>> distributions(const torch::Tensor& logits, double temperature) {
  const torch::Tensor probs =
      temperature <= 0 ? torch::one_hot(logits.argmax(-1), logits.size(-1)).to(torch::kDouble)
                       : torch::softmax(logits.to(torch::kFloat) / temperature, -1).to(torch::kDouble);
  const torch::Tensor p = probs.cpu().contiguous();
  std::vector<std::vector<double>> out;
  for (int64_t r = 0; r < p.size(0); ++r)
    out.emplace_back(p[r].data_ptr<double>(), p[r].data_ptr<double>() + p.size(1));
  return out;
}

// The next-piece distribution after each row (rows of equal length), in one forward pass: a masked model
// is asked what belongs in a [MASK] after the row; rows longer than the context keep their end.
std::vector<std::vector<double>> readNext(LanguageModel& model, std::vector<std::vector<int32_t>> rows,
                                          double temperature, bool* truncated) {
  const size_t context = size_t(model.config().context);
  for (std::vector<int32_t>& ids : rows) {
    if (model.config().objective == Objective::Masked) ids.push_back(SpecialTokens::kMask);
    if (ids.empty()) ids.push_back(SpecialTokens::kEos);  // Nothing before: the start of a document.
    if (truncated) *truncated = ids.size() > context;
    if (ids.size() > context) ids.erase(ids.begin(), ids.end() - long(context));
  }
  const torch::Tensor logits =
      model.forward(idsTensor(rows, model.parameters().front().device())).select(1, -1);  // (R, V)
  return distributions(logits, temperature);
}

// A word is extended by at most this many pieces after its first (and a causal prompt keeps room for them).
constexpr int kMaxWordExtension = 3;

}  // namespace

// The next-piece distributions after a prompt followed by each row's pieces so far, one piece more per
// extend(). A causal model keeps the attention keys and values of what it has read, so an extension reads
// one new position per row instead of the whole prompt again; a masked model reads each row whole, with a
// [MASK] after it. Rows are copied by extend() to try several pieces after the same text.
class Continuations {
 public:
  /// `room`: positions a causal model keeps free after the prompt for extend() (it cannot shift its window).
  Continuations(LanguageModel& model, std::vector<int32_t> prompt, double temperature, int room)
      : m_model(model), m_gpt(dynamic_cast<GptModel*>(&model)), m_temperature(temperature) {
    const size_t context = size_t(model.config().context);
    const size_t keep = std::min(prompt.size(), m_gpt ? context - size_t(std::min(room, int(context) - 1))
                                                      : context - 1);  // a masked model reads a [MASK] too
    m_prompt.assign(prompt.end() - long(keep), prompt.end());
    m_rows = {m_prompt};
    if (m_gpt) {
      m_promptLogits = m_gpt->forward(idsTensor(m_rows, device()), m_cache)[0].to(torch::kFloat);  // (T, V)
      for (KvCache& c : m_cache) c.share();  // Read once, broadcast to every continuation.
      m_first = distributions(m_promptLogits.slice(0, -1), temperature).front();
    } else {
      m_first = readMasked().front();
    }
  }

  const std::vector<int32_t>& prompt() const { return m_prompt; }       ///< As read (its start may be cut).
  const torch::Tensor& promptLogits() const { return m_promptLogits; }  ///< Causal: (T, V); else undefined.
  const std::vector<double>& first() const { return m_first; }
  /// No room for another piece (causal model at its context).
  bool full() const { return m_gpt && m_cache.front().length() >= m_model.config().context; }

  /// Row i of the result is row from[i] followed by pieces[i]; returns the distribution after each.
  std::vector<std::vector<double>> extend(const std::vector<size_t>& from,
                                          const std::vector<int32_t>& pieces) {
    std::vector<std::vector<int32_t>> rows;
    for (size_t i = 0; i < from.size(); ++i) {
      rows.push_back(m_rows[from[i]]);
      rows.back().push_back(pieces[i]);
    }
    m_rows = std::move(rows);
    if (!m_gpt) return readMasked();
    std::vector<int64_t> index(from.begin(), from.end());
    const torch::Tensor rowIndex = torch::tensor(index, torch::kLong).to(device());
    for (KvCache& c : m_cache) c.selectRows(rowIndex);
    std::vector<std::vector<int32_t>> last;
    for (const int32_t p : pieces) last.push_back({p});
    return distributions(m_gpt->forward(idsTensor(last, device()), m_cache).select(1, -1), m_temperature);
  }

 private:
  torch::Device device() const { return m_model.parameters().front().device(); }

  std::vector<std::vector<double>> readMasked() { return readNext(m_model, m_rows, m_temperature, nullptr); }

  LanguageModel& m_model;
  GptModel* m_gpt;  // Set for a causal model.
  double m_temperature;
  std::vector<int32_t> m_prompt;
  std::vector<std::vector<int32_t>> m_rows;
  std::vector<KvCache> m_cache;
  torch::Tensor m_promptLogits;
  std::vector<double> m_first;
};

Predictor::Predictor(std::shared_ptr<LanguageModel> model, std::shared_ptr<const Tokenizer> tokenizer)
    : m_model(std::move(model)), m_tokenizer(std::move(tokenizer)) {
  if (m_model->config().vocabSize != m_tokenizer->vocabSize())
    throw InputError("the model's vocabulary differs from the tokenizer's");
  m_model->eval();
  for (int32_t id = 0; id < m_tokenizer->vocabSize(); ++id)
    m_pieceKinds.push_back(id < SpecialTokens::kCount || m_tokenizer->isControl(id) ? kSpecial
                           : m_tokenizer->piece(id).rfind("\xE2\x96\x81", 0) == 0   ? kStartsWord
                                                                                    : kContinues);
}

Predictor::~Predictor() = default;

const ModelConfig& Predictor::config() const { return m_model->config(); }

std::vector<double> Predictor::nextDistribution(std::vector<int32_t> ids, double temperature,
                                                bool* truncated) const {
  return nextDistributions({std::move(ids)}, temperature, truncated).front();
}

std::vector<std::vector<double>> Predictor::nextDistributions(std::vector<std::vector<int32_t>> rows,
                                                              double temperature, bool* truncated) const {
  prepareThread();
  torch::NoGradGuard guard;
  return readNext(*m_model, std::move(rows), temperature, truncated);
}

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
  // Encoded after another word, so it gets the "▁" a word after a space has.
  const std::vector<int32_t> anchor = m_tokenizer->encode("a"), both = m_tokenizer->encode("a " + w);
  if (both.size() > anchor.size() && std::equal(anchor.begin(), anchor.end(), both.begin()))
    return {both.begin() + long(anchor.size()), both.end()};
  return m_tokenizer->encode(w);
}

std::vector<TokenCandidate> Predictor::top(const std::vector<double>& probs, int k) const {
  std::vector<int32_t> order(probs.size());
  std::iota(order.begin(), order.end(), 0);
  const size_t n = std::min(order.size(), size_t(std::max(0, k)));
  std::partial_sort(order.begin(), order.begin() + long(n), order.end(),
                    [&](int32_t a, int32_t b) { return probs[size_t(a)] > probs[size_t(b)]; });
  std::vector<TokenCandidate> out;
  for (size_t i = 0; i < n; ++i) {
    const int32_t id = order[i];
    // A lone "▁" decodes to nothing on its own; show it as the space it stands for.
    std::string text = m_tokenizer->decode({id});
    if (text.empty() && m_tokenizer->piece(id) == "\xE2\x96\x81") text = " ";
    out.push_back({id, m_tokenizer->piece(id), text, probs[size_t(id)]});
  }
  return out;
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
  r.candidates = o.words ? nextWords(continuations, o.topK) : top(probs, o.topK);
  if (o.promptPieces) r.pieces = promptPieces(ids, continuations);
  return r;
}

bool Predictor::continuesWord(int32_t id) const {
  if (m_pieceKinds[size_t(id)] != kContinues) return false;
  const unsigned char c = static_cast<unsigned char>(m_tokenizer->piece(id).front());
  return std::isalnum(c) || c >= 0x80;  // Letters and digits, not "," or "." or a <0x..> byte piece.
}

std::vector<TokenCandidate> Predictor::nextWords(Continuations& continuations, int topK) const {
  struct Path {
    std::vector<int32_t> pieces;
    double prob;
  };
  std::vector<Path> paths;
  std::vector<size_t> from;
  std::vector<int32_t> pieces;
  // A word is no more probable than its first piece, so the top-k words come from the first pieces at the
  // top; a few more than k leave room for words whose first piece is shared or which end in punctuation.
  for (const TokenCandidate& c : top(continuations.first(), topK + 4))
    if (m_pieceKinds[size_t(c.id)] != kSpecial) {
      paths.push_back({{c.id}, c.prob});
      from.push_back(0);  // All after the prompt.
      pieces.push_back(c.id);
    }
  // Each path is extended by its most probable next piece while that piece carries on the word.
  std::vector<size_t> pathOfRow(paths.size());
  std::iota(pathOfRow.begin(), pathOfRow.end(), 0);
  for (int round = 0; round < kMaxWordExtension && !pieces.empty() && !continuations.full(); ++round) {
    const auto next = continuations.extend(from, pieces);
    std::vector<size_t> nextFrom, nextPaths;
    std::vector<int32_t> nextPieces;
    for (size_t r = 0; r < next.size(); ++r) {
      const auto best = int32_t(std::max_element(next[r].begin(), next[r].end()) - next[r].begin());
      if (!continuesWord(best)) continue;
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
  std::vector<TokenCandidate> words;
  for (const Path& path : paths) {
    const TokenCandidate c = wordCandidate(path.pieces, path.prob);
    const auto same =
        std::find_if(words.begin(), words.end(), [&](const auto& w) { return w.text == c.text; });
    if (same == words.end())
      words.push_back(c);
    else
      same->prob += c.prob;
  }
  std::sort(words.begin(), words.end(), [](const auto& a, const auto& b) { return a.prob > b.prob; });
  words.resize(std::min(words.size(), size_t(std::max(0, topK))));
  return words;
}

PromptPiece Predictor::promptPiece(int32_t id, double prob) const {
  std::string text = m_tokenizer->piece(id);
  for (size_t at; (at = text.find("\xE2\x96\x81")) != std::string::npos;) text.replace(at, 3, " ");
  return {id, text, prob};
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
  const auto device = m_model->parameters().front().device();
  const size_t context = size_t(config().context);
  const std::vector<int32_t> ids(allIds.end() - long(std::min(allIds.size(), context)), allIds.end());
  constexpr size_t kRows = 32;
  for (size_t from = 0; from < ids.size(); from += kRows) {
    std::vector<std::vector<int32_t>> rows;
    for (size_t i = from; i < std::min(ids.size(), from + kRows); ++i) {
      rows.push_back(ids);
      rows.back()[i] = SpecialTokens::kMask;
    }
    const torch::Tensor logits = m_model->forward(idsTensor(rows, device)).to(torch::kFloat);
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
  WordProbability r;
  r.pieces = int(pieces.size());
  r.prob = 1;
  for (size_t j = 0; j < pieces.size(); ++j) {
    const std::vector<double> probs = nextDistribution(ids, temperature, nullptr);
    const double p = probs[size_t(pieces[j])];
    if (j == 0) r.rank = 1 + int(std::count_if(probs.begin(), probs.end(), [p](double q) { return q > p; }));
    r.prob *= p;
    ids.push_back(pieces[j]);
  }
  return r;
}

WordProbability Predictor::maskedProbabilityOf(const std::string& text, const std::string& word) const {
  std::vector<MaskPrediction> masks;
  std::vector<int32_t> ids = encodeWithMasks(*m_tokenizer, text, masks);
  if (masks.size() != 1) throw InputError("the text needs exactly one [MASK]");
  const std::vector<int32_t> pieces = wordPieces(word);
  if (pieces.empty()) throw InputError("the word is empty");
  WordProbability r;
  r.pieces = int(pieces.size());
  if (config().objective == Objective::Causal) {
    // Ranked among the candidates fill() scores by the likelihood of the whole sentence, with the word
    // always among them.
    constexpr int kCandidates = 50;
    if (ids.size() > size_t(config().context))
      throw InputError("the text is longer than the model's context of " + std::to_string(config().context));
    prepareThread();
    torch::NoGradGuard guard;
    const std::string wanted = m_tokenizer->decode(pieces);
    const auto candidates = fillCausal(ids, masks, kCandidates, pieces).front().candidates;
    for (size_t i = 0; i < candidates.size(); ++i)
      if (candidates[i].text == wanted) return {candidates[i].prob, int(i) + 1, r.pieces};
    return r;
  }
  // A masked model: the word's pieces in place of the mask, read left to right, each given the ones before.
  const size_t at = size_t(masks[0].positions[0]);
  ids.erase(ids.begin() + long(at));
  ids.insert(ids.begin() + long(at), pieces.size(), SpecialTokens::kMask);
  if (ids.size() > size_t(config().context))
    throw InputError("the text is longer than the model's context of " + std::to_string(config().context));
  prepareThread();
  torch::NoGradGuard guard;
  const auto device = m_model->parameters().front().device();
  r.prob = 1;
  for (size_t j = 0; j < pieces.size(); ++j) {
    const torch::Tensor logits = m_model->forward(idsTensor({ids}, device))[0][long(at + j)];
    const torch::Tensor probs =
        restrict(torch::softmax(logits.to(torch::kFloat), -1), m_pieceKinds, j == 0 && masks[0].startsWord);
    const double p = probs[pieces[j]].item<double>();
    if (j == 0) r.rank = 1 + int((probs > p).sum().item<int64_t>());
    r.prob *= p;
    ids[at + j] = pieces[j];
  }
  return r;
}

std::vector<MaskPrediction> Predictor::fill(const std::string& text, int topK) const {
  if (text.find(kMaskText) == std::string::npos) throw InputError("the text has no [MASK] to fill");
  std::vector<MaskPrediction> masks;
  std::vector<int32_t> ids = encodeWithMasks(*m_tokenizer, text, masks);
  return fillSpans(ids, masks, topK);
}

std::vector<MaskPrediction> Predictor::fillWords(const std::string& text, const std::vector<int>& wordIndices,
                                                 int topK) const {
  const std::vector<int32_t> ids = m_tokenizer->encode(text);
  // Words as the tokenizer sees them: a "▁"-initial piece and the pieces after it.
  std::vector<std::vector<int>> words;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (words.empty() || m_tokenizer->piece(ids[i]).rfind("\xE2\x96\x81", 0) == 0) words.emplace_back();
    words.back().push_back(int(i));
  }
  std::vector<MaskPrediction> masks;
  for (const int w : wordIndices) {
    if (w < 0 || size_t(w) >= words.size())
      throw InputError("word " + std::to_string(w) + " is out of range: the text has " +
                       std::to_string(words.size()) + " words");
    // Trailing punctuation ("dog." -> "dog") stays visible: only pieces up to the last letter or digit.
    std::vector<int> span = words[size_t(w)];
    while (span.size() > 1) {
      const std::string piece = m_tokenizer->decode({ids[size_t(span.back())]});
      if (std::any_of(piece.begin(), piece.end(),
                      [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || (c & 0x80); }))
        break;
      span.pop_back();
    }
    MaskPrediction m;
    m.wordIndex = w;
    m.positions = span;
    std::vector<int32_t> pieces;
    for (const int p : span) pieces.push_back(ids[size_t(p)]);
    m.original = m_tokenizer->decode(pieces);
    masks.push_back(m);
  }
  std::sort(masks.begin(), masks.end(),
            [](const auto& a, const auto& b) { return a.wordIndex < b.wordIndex; });
  return fillSpans(ids, masks, topK);
}

std::vector<MaskPrediction> Predictor::fillSpans(std::vector<int32_t> ids, std::vector<MaskPrediction> masks,
                                                 int topK) const {
  if (ids.size() > size_t(config().context))
    throw InputError("the text is " + std::to_string(ids.size()) +
                     " tokens long, more than the model's context of " + std::to_string(config().context));
  for (const auto& m : masks)
    for (const int p : m.positions) ids[size_t(p)] = SpecialTokens::kMask;
  prepareThread();
  torch::NoGradGuard guard;
  return config().objective == Objective::Masked ? fillMasked(ids, masks, topK)
                                                 : fillCausal(ids, masks, topK);
}

TokenCandidate Predictor::wordCandidate(const std::vector<int32_t>& ids, double prob) const {
  TokenCandidate c;
  c.id = ids.front();
  for (const int32_t id : ids) c.piece += m_tokenizer->piece(id);
  c.text = m_tokenizer->decode(ids);
  if (c.text.empty() && c.piece == "\xE2\x96\x81") c.text = " ";
  c.prob = prob;
  return c;
}

double Predictor::fillGreedily(std::vector<int32_t>& ids, std::vector<int> positions,
                               std::vector<bool> wordStarts) const {
  double product = 1.0;
  while (!positions.empty()) {
    const torch::Tensor probs = torch::softmax(
        m_model->forward(idsTensor({ids}, m_model->parameters().front().device()))[0].to(torch::kFloat), -1);
    size_t best = 0;
    double bestP = -1;
    int64_t bestId = 0;
    for (size_t i = 0; i < positions.size(); ++i) {
      const auto [p, id] = restrict(probs[positions[i]], m_pieceKinds, wordStarts[i]).max(0);
      if (p.item<double>() > bestP) bestP = p.item<double>(), best = i, bestId = id.item<int64_t>();
    }
    ids[size_t(positions[best])] = int32_t(bestId);
    product *= bestP;
    positions.erase(positions.begin() + long(best));
    wordStarts.erase(wordStarts.begin() + long(best));
  }
  return product;
}

std::vector<MaskPrediction> Predictor::fillMasked(std::vector<int32_t> ids, std::vector<MaskPrediction> masks,
                                                  int topK) const {
  const auto device = m_model->parameters().front().device();
  // First every masked piece, most confident first: that is the context each word's candidates are read in.
  std::vector<int> all;
  std::vector<bool> starts;
  for (const auto& m : masks)
    for (size_t i = 0; i < m.positions.size(); ++i) {
      all.push_back(m.positions[i]);
      starts.push_back(i == 0 && m.startsWord);
    }
  std::vector<int32_t> filled = ids;
  fillGreedily(filled, all, starts);
  for (MaskPrediction& m : masks) {
    std::vector<int32_t> base = filled;
    for (const int p : m.positions) base[size_t(p)] = SpecialTokens::kMask;
    const torch::Tensor probs =
        torch::softmax(m_model->forward(idsTensor({base}, device))[0].to(torch::kFloat), -1);
    auto allowed = [&](size_t i) {
      return restrict(probs[m.positions[i]], m_pieceKinds, i == 0 && m.startsWord);
    };
    if (m.positions.size() == 1) {
      m.candidates = top(toVector(allowed(0)), topK);
      continue;
    }
    // A word of several pieces: the top choices at its surest piece, each completed most confident first.
    size_t surest = 0;
    for (size_t i = 1; i < m.positions.size(); ++i)
      if (allowed(i).max().item<double>() > allowed(surest).max().item<double>()) surest = i;
    std::vector<int> rest;
    std::vector<bool> restStarts;
    for (size_t i = 0; i < m.positions.size(); ++i)
      if (i != surest) rest.push_back(m.positions[i]), restStarts.push_back(i == 0 && m.startsWord);
    for (const TokenCandidate& first : top(toVector(allowed(surest)), topK)) {
      std::vector<int32_t> seq = base;
      seq[size_t(m.positions[surest])] = first.id;
      const double p = first.prob * fillGreedily(seq, rest, restStarts);
      std::vector<int32_t> word;
      for (const int q : m.positions) word.push_back(seq[size_t(q)]);
      m.candidates.push_back(wordCandidate(word, p));
    }
    std::sort(m.candidates.begin(), m.candidates.end(),
              [](const auto& a, const auto& b) { return a.prob > b.prob; });
  }
  return masks;
}

std::vector<MaskPrediction> Predictor::fillCausal(std::vector<int32_t> ids, std::vector<MaskPrediction> masks,
                                                  int topK, const std::vector<int32_t>& forced) const {
  const auto device = m_model->parameters().front().device();
  // Left to right: candidates come from the left context (a word of n pieces is completed greedily to n
  // pieces), then each is scored by the likelihood of the sentence with it in place, up to the next mask,
  // so the right context has its say.
  for (size_t k = 0; k < masks.size(); ++k) {
    const size_t first = size_t(masks[k].positions.front()), n = masks[k].positions.size();
    const size_t end = k + 1 < masks.size() ? size_t(masks[k + 1].positions.front()) : ids.size();
    std::vector<int32_t> left(ids.begin(), ids.begin() + long(first));
    if (left.empty()) left.push_back(SpecialTokens::kEos);  // The start of a document.
    std::vector<std::vector<int32_t>> rows;
    const torch::Tensor firstProbs = torch::tensor(nextDistribution(left, 1.0, nullptr), torch::kDouble);
    for (const auto& c :
         top(toVector(restrict(firstProbs, m_pieceKinds, masks[k].startsWord)), std::max(20, 4 * topK))) {
      rows.push_back(left);
      rows.back().push_back(c.id);
    }
    for (size_t piece = 1; piece < n; ++piece) {
      const torch::Tensor last =
          torch::softmax(m_model->forward(idsTensor(rows, device)).select(1, -1).to(torch::kFloat), -1);
      const torch::Tensor next = restrict(last, m_pieceKinds, false).argmax(-1).cpu();  // continues the word
      for (size_t r = 0; r < rows.size(); ++r) rows[r].push_back(int32_t(next[long(r)].item<int64_t>()));
    }
    std::vector<size_t> wordLength(rows.size(), n);
    if (k == 0 && !forced.empty()) {
      std::vector<int32_t> row = left;
      row.insert(row.end(), forced.begin(), forced.end());
      if (std::find(rows.begin(), rows.end(), row) == rows.end()) {
        rows.push_back(row);
        wordLength.push_back(forced.size());
      }
    }
    for (auto& row : rows) row.insert(row.end(), ids.begin() + long(first + n), ids.begin() + long(end));
    // log p(the word and what follows it), one forward pass per word length.
    std::vector<double> score(rows.size(), 0.0);
    for (const size_t length : std::set<size_t>(wordLength.begin(), wordLength.end())) {
      std::vector<size_t> group;
      std::vector<std::vector<int32_t>> batch;
      for (size_t r = 0; r < rows.size(); ++r)
        if (wordLength[r] == length) group.push_back(r), batch.push_back(rows[r]);
      const torch::Tensor logp =
          torch::log_softmax(m_model->forward(idsTensor(batch, device)).to(torch::kFloat), -1);
      for (size_t g = 0; g < group.size(); ++g)
        for (size_t t = left.size(); t < batch[g].size(); ++t)
          score[group[g]] += logp[long(g)][long(t - 1)][batch[g][t]].item<double>();
    }
    const size_t bestRow = size_t(std::max_element(score.begin(), score.end()) - score.begin());
    const double maxScore = score[bestRow];
    double total = 0;
    for (double& sc : score) total += (sc = std::exp(sc - maxScore));
    std::vector<TokenCandidate> ranked;
    for (size_t r = 0; r < rows.size(); ++r)
      ranked.push_back(wordCandidate(
          {rows[r].begin() + long(left.size()), rows[r].begin() + long(left.size() + wordLength[r])},
          score[r] / total));
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.prob > b.prob; });
    if (forced.empty()) ranked.resize(std::min(ranked.size(), size_t(topK)));
    masks[k].candidates = ranked;
    for (size_t i = 0; i < n && i < wordLength[bestRow]; ++i)
      ids[first + i] = rows[bestRow][left.size() + i];  // The best, for later masks.
  }
  return masks;
}

std::string Predictor::generate(const std::string& prompt, const GenerateOptions& o,
                                const std::function<bool(const GeneratedPiece&)>& onPiece) const {
  std::vector<int32_t> ids = promptIds(prompt);
  const std::string promptText = m_tokenizer->decode(ids);
  std::string shown;
  std::mt19937_64 rng(o.seed);
  prepareThread();
  torch::NoGradGuard guard;
  // A causal model reads each new piece from its cached keys and values, with room for up to a quarter of
  // its context; once that is used, it reads the latest window afresh and goes on the same way.
  const int room = std::min(o.maxNewTokens, std::max(1, config().context / 4));
  auto continuations = std::make_unique<Continuations>(*m_model, ids, o.temperature, room);
  std::vector<double> p = continuations->first();
  for (int n = 0; n < o.maxNewTokens; ++n) {
    std::vector<int32_t> order(p.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return p[size_t(a)] > p[size_t(b)]; });
    // Keep the top-k, then the smallest head whose mass reaches top-p; sample from what is left.
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
    double u = std::uniform_real_distribution<double>(0.0, total)(rng);
    int32_t id = order[keep - 1];
    for (size_t i = 0; i < keep; ++i)
      if ((u -= p[size_t(order[i])]) <= 0) {
        id = order[i];
        break;
      }
    if (id == SpecialTokens::kEos) break;
    ids.push_back(id);
    // Decode the whole text each time: a character split over byte pieces appears once it is complete.
    const std::string full = m_tokenizer->decode(ids);
    const std::string generated = full.rfind(promptText, 0) == 0 ? full.substr(promptText.size()) : full;
    if (generated.size() > shown.size() && generated.compare(0, shown.size(), shown) == 0) {
      const std::string delta = generated.substr(shown.size());
      shown = generated;
      constexpr int kAlternatives = 5;
      if (onPiece && !onPiece({delta, p[size_t(id)] / total, top(p, kAlternatives)})) break;
    }
    if (n + 1 == o.maxNewTokens) break;
    if (continuations->full()) {
      continuations = std::make_unique<Continuations>(*m_model, ids, o.temperature, room);
      p = continuations->first();
    } else {
      p = continuations->extend({0}, {id}).front();
    }
  }
  return shown;
}

}  // namespace pretrain
