#include "infer/masked_fill.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "data/special_tokens.h"
#include "infer/candidates.h"
#include "infer/continuations.h"
#include "model/language_model.h"
#include "tokenizer/tokenizer.h"
#include "util/error.h"

namespace pretrain {
namespace {

// A causal model's candidates come from the left context, then the whole sentence reorders them: scoring
// this many times as many as are shown (and at least kMinCausalCandidates) lets a word the left context
// ranks low rise to the top once the right context has its say.
constexpr int kCausalCandidatesPerShown = 4;
constexpr int kMinCausalCandidates = 20;

// `probs` (..., V) restricted to the pieces that start a word (or to those that carry one on),
// renormalised: a masked word is filled with a word, not with the end of another or a control token.
torch::Tensor restrict(const torch::Tensor& probs, const std::vector<PieceKind>& kinds, bool wordStart) {
  static_assert(sizeof(PieceKind) == 1, "read as uint8");
  const torch::Tensor kind =
      torch::from_blob(const_cast<PieceKind*>(kinds.data()), {int64_t(kinds.size())}, torch::kUInt8)
          .to(probs.device());
  const auto wanted = uint8_t(wordStart ? PieceKind::StartsWord : PieceKind::ContinuesWord);
  const torch::Tensor kept = probs * kind.eq(wanted);
  return kept / kept.sum(-1, /*keepdim=*/true).clamp_min(1e-30);
}

}  // namespace

std::vector<int32_t> encodeWithMasks(const Tokenizer& tokenizer, const std::string& text,
                                     std::vector<MaskPrediction>& masks) {
  const std::vector<WordSpan> words = splitWords(text);
  const size_t maskLength = std::string_view(kMaskText).size();
  std::vector<int32_t> ids;
  for (size_t pos = 0;;) {
    const size_t at = text.find(kMaskText, pos);
    std::string segment = text.substr(pos, at == std::string::npos ? std::string::npos : at - pos);
    if (pos > 0 && !segment.empty() && segment.front() == ' ') segment.erase(0, 1);
    if (at != std::string::npos && !segment.empty() && segment.back() == ' ') segment.pop_back();
    if (!segment.empty()) tokenizer.encodeAppend(segment, ids);
    if (at == std::string::npos) break;
    MaskPrediction m;
    m.wordIndex =
        int(std::find_if(words.begin(), words.end(), [at](const WordSpan& w) { return w.end > at; }) -
            words.begin());  // The word the mask is part of.
    m.positions = {int(ids.size())};
    m.startsWord = at == 0 || text[at - 1] == ' ';
    masks.push_back(m);
    ids.push_back(SpecialTokens::kMask);
    pos = at + maskLength;
  }
  return ids;
}

std::vector<MaskPrediction> masksOfWords(const Tokenizer& tokenizer, const std::string& text,
                                         const std::vector<int32_t>& ids, const std::vector<int>& wordIndices,
                                         const std::vector<uint32_t>& byteLengths) {
  const std::vector<std::vector<int>> words = piecesOfWords(text, ids, byteLengths);
  std::vector<MaskPrediction> masks;
  for (const int w : wordIndices) {
    if (w < 0 || size_t(w) >= words.size() || words[size_t(w)].empty())
      throw InputError("word " + std::to_string(w) + " is out of range: the text has " +
                       std::to_string(words.size()) + " words");
    // Trailing punctuation ("dog." -> "dog") stays visible: only pieces up to the last letter or digit.
    std::vector<int> span = words[size_t(w)];
    while (span.size() > 1 && !hasWordCharacter(tokenizer.decode({ids[size_t(span.back())]})))
      span.pop_back();
    MaskPrediction m;
    m.wordIndex = w;
    m.positions = span;
    std::vector<int32_t> pieces;
    for (const int p : span) pieces.push_back(ids[size_t(p)]);
    m.original = tokenizer.decode(pieces);
    masks.push_back(m);
  }
  std::sort(masks.begin(), masks.end(),
            [](const auto& a, const auto& b) { return a.wordIndex < b.wordIndex; });
  return masks;
}

MaskedFill::MaskedFill(LanguageModel& model, const Tokenizer& tokenizer, const std::vector<PieceKind>& kinds)
    : m_model(model), m_tokenizer(tokenizer), m_kinds(kinds) {}

void MaskedFill::checkFits(size_t length) const {
  if (length > size_t(m_model.config().context))
    throw InputError("the text is " + std::to_string(length) +
                     " tokens long, more than the model's context of " +
                     std::to_string(m_model.config().context));
}

std::vector<MaskPrediction> MaskedFill::fill(std::vector<int32_t> ids, std::vector<MaskPrediction> masks,
                                             int topK) const {
  checkFits(ids.size());
  for (const auto& m : masks)
    for (const int p : m.positions) ids[size_t(p)] = SpecialTokens::kMask;
  return m_model.config().objective == Objective::Masked ? fillMasked(ids, masks, topK)
                                                         : fillCausal(ids, masks, topK);
}

WordProbability MaskedFill::probabilityOf(std::vector<int32_t> ids, const MaskPrediction& mask,
                                          const std::vector<int32_t>& pieces) const {
  WordProbability r;
  r.pieces = int(pieces.size());
  if (m_model.config().objective == Objective::Causal) {
    checkFits(ids.size());
    const std::string wanted = m_tokenizer.decode(pieces);
    const auto candidates = fillCausal(ids, {mask}, kProbeCandidates, pieces).front().candidates;
    for (size_t i = 0; i < candidates.size(); ++i)
      if (candidates[i].text == wanted) return {candidates[i].prob, int(i) + 1, r.pieces};
    return r;
  }
  // A masked model: the word's pieces in place of the mask, read left to right, each given the ones before.
  const size_t at = size_t(mask.positions.front());
  ids.erase(ids.begin() + long(at));
  ids.insert(ids.begin() + long(at), pieces.size(), SpecialTokens::kMask);
  checkFits(ids.size());
  r.prob = 1;
  for (size_t j = 0; j < pieces.size(); ++j) {
    const torch::Tensor logits = m_model.forward(idsTensor({ids}, deviceOf(m_model)))[0][long(at + j)];
    const torch::Tensor probs =
        restrict(torch::softmax(logits.to(torch::kFloat), -1), m_kinds, j == 0 && mask.startsWord);
    const double p = probs[pieces[j]].item<double>();
    if (j == 0) r.rank = 1 + int((probs > p).sum().item<int64_t>());
    r.prob *= p;
    ids[at + j] = pieces[j];
  }
  return r;
}

double MaskedFill::fillGreedily(std::vector<int32_t>& ids, std::vector<int> positions,
                                std::vector<bool> wordStarts) const {
  double product = 1.0;
  while (!positions.empty()) {
    const torch::Tensor probs =
        torch::softmax(m_model.forward(idsTensor({ids}, deviceOf(m_model)))[0].to(torch::kFloat), -1);
    size_t best = 0;
    double bestP = -1;
    int64_t bestId = 0;
    for (size_t i = 0; i < positions.size(); ++i) {
      const auto [p, id] = restrict(probs[positions[i]], m_kinds, wordStarts[i]).max(0);
      if (p.item<double>() <= bestP) continue;
      bestP = p.item<double>();
      best = i;
      bestId = id.item<int64_t>();
    }
    ids[size_t(positions[best])] = int32_t(bestId);
    product *= bestP;
    positions.erase(positions.begin() + long(best));
    wordStarts.erase(wordStarts.begin() + long(best));
  }
  return product;
}

std::vector<MaskPrediction> MaskedFill::fillMasked(const std::vector<int32_t>& ids,
                                                   std::vector<MaskPrediction> masks, int topK) const {
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
    if (m.positions.size() > 1) {
      m.candidates = multiPieceCandidates(base, m, topK);
      continue;
    }
    const torch::Tensor probs =
        torch::softmax(m_model.forward(idsTensor({base}, deviceOf(m_model)))[0].to(torch::kFloat), -1);
    m.candidates =
        topCandidates(m_tokenizer, toVector(restrict(probs[m.positions[0]], m_kinds, m.startsWord)), topK);
  }
  return masks;
}

std::vector<TokenCandidate> MaskedFill::multiPieceCandidates(const std::vector<int32_t>& base,
                                                             const MaskPrediction& m, int topK) const {
  const torch::Tensor probs =
      torch::softmax(m_model.forward(idsTensor({base}, deviceOf(m_model)))[0].to(torch::kFloat), -1);
  auto allowed = [&](size_t i) { return restrict(probs[m.positions[i]], m_kinds, i == 0 && m.startsWord); };
  size_t surest = 0;
  for (size_t i = 1; i < m.positions.size(); ++i)
    if (allowed(i).max().item<double>() > allowed(surest).max().item<double>()) surest = i;
  std::vector<int> rest;
  std::vector<bool> restStarts;
  for (size_t i = 0; i < m.positions.size(); ++i) {
    if (i == surest) continue;
    rest.push_back(m.positions[i]);
    restStarts.push_back(i == 0 && m.startsWord);
  }
  std::vector<TokenCandidate> out;
  for (const TokenCandidate& first : topCandidates(m_tokenizer, toVector(allowed(surest)), topK)) {
    std::vector<int32_t> seq = base;
    seq[size_t(m.positions[surest])] = first.id;
    const double p = first.prob * fillGreedily(seq, rest, restStarts);
    std::vector<int32_t> word;
    for (const int q : m.positions) word.push_back(seq[size_t(q)]);
    out.push_back(wordCandidate(m_tokenizer, word, p));
  }
  sortByProbability(out);
  return out;
}

std::vector<std::vector<int32_t>> MaskedFill::causalCandidates(const std::vector<int32_t>& left,
                                                               const MaskPrediction& m, int count) const {
  std::vector<std::vector<int32_t>> rows;
  const torch::Tensor firstProbs =
      torch::tensor(readNext(m_model, {left}, 1.0, nullptr).front(), torch::kDouble);
  for (const auto& c :
       topCandidates(m_tokenizer, toVector(restrict(firstProbs, m_kinds, m.startsWord)), count)) {
    rows.push_back(left);
    rows.back().push_back(c.id);
  }
  // A word of n pieces is completed greedily to n pieces, each carrying the word on.
  for (size_t piece = 1; piece < m.positions.size(); ++piece) {
    const torch::Tensor last = torch::softmax(
        m_model.forward(idsTensor(rows, deviceOf(m_model))).select(1, -1).to(torch::kFloat), -1);
    const torch::Tensor next = restrict(last, m_kinds, false).argmax(-1).cpu();
    for (size_t r = 0; r < rows.size(); ++r) rows[r].push_back(int32_t(next[long(r)].item<int64_t>()));
  }
  return rows;
}

std::vector<double> MaskedFill::logLikelihoods(const std::vector<std::vector<int32_t>>& rows,
                                               size_t from) const {
  std::map<size_t, std::vector<size_t>> byLength;  // Rows of one length go through the model together.
  for (size_t r = 0; r < rows.size(); ++r) byLength[rows[r].size()].push_back(r);
  std::vector<double> score(rows.size(), 0.0);
  for (const auto& [length, group] : byLength) {
    std::vector<std::vector<int32_t>> batch;
    for (const size_t r : group) batch.push_back(rows[r]);
    const torch::Tensor logp =
        torch::log_softmax(m_model.forward(idsTensor(batch, deviceOf(m_model))).to(torch::kFloat), -1);
    for (size_t g = 0; g < group.size(); ++g)
      for (size_t t = from; t < length; ++t)
        score[group[g]] += logp[long(g)][long(t - 1)][batch[g][t]].item<double>();
  }
  return score;
}

std::vector<MaskPrediction> MaskedFill::fillCausal(std::vector<int32_t> ids,
                                                   std::vector<MaskPrediction> masks, int topK,
                                                   const std::vector<int32_t>& forced) const {
  // Left to right: candidates come from the left context, then each is scored by the likelihood of the
  // sentence with it in place, up to the next mask.
  for (size_t k = 0; k < masks.size(); ++k) {
    const size_t first = size_t(masks[k].positions.front()), n = masks[k].positions.size();
    const size_t end = k + 1 < masks.size() ? size_t(masks[k + 1].positions.front()) : ids.size();
    std::vector<int32_t> left(ids.begin(), ids.begin() + long(first));
    if (left.empty()) left.push_back(SpecialTokens::kEos);  // The start of a document.
    std::vector<std::vector<int32_t>> rows =
        causalCandidates(left, masks[k], std::max(kMinCausalCandidates, kCausalCandidatesPerShown * topK));
    std::vector<size_t> wordLength(rows.size(), n);
    std::vector<int32_t> forcedRow = left;
    forcedRow.insert(forcedRow.end(), forced.begin(), forced.end());
    if (k == 0 && !forced.empty() && std::find(rows.begin(), rows.end(), forcedRow) == rows.end()) {
      rows.push_back(forcedRow);
      wordLength.push_back(forced.size());
    }
    for (auto& row : rows) row.insert(row.end(), ids.begin() + long(first + n), ids.begin() + long(end));
    std::vector<double> score = logLikelihoods(rows, left.size());
    const size_t bestRow = size_t(std::max_element(score.begin(), score.end()) - score.begin());
    const double maxScore = score[bestRow];
    double total = 0;
    for (double& sc : score) total += (sc = std::exp(sc - maxScore));
    std::vector<std::vector<int32_t>> words;
    for (size_t r = 0; r < rows.size(); ++r) {
      words.emplace_back(rows[r].begin() + long(left.size()),
                         rows[r].begin() + long(left.size() + wordLength[r]));
      score[r] /= total;
    }
    std::vector<TokenCandidate> ranked = wordCandidates(m_tokenizer, words, score);
    sortByProbability(ranked);
    if (forced.empty()) ranked.resize(std::min(ranked.size(), size_t(topK)));
    masks[k].candidates = ranked;
    for (size_t i = 0; i < n && i < wordLength[bestRow]; ++i)
      ids[first + i] = rows[bestRow][left.size() + i];  // The best, for later masks.
  }
  return masks;
}

}  // namespace pretrain
