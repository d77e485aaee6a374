#include "infer/predictor.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>

#include "data/tokenize_corpus.h"
#include "model/language_model.h"
#include "tokenizer/tokenizer.h"
#include "train/checkpoint.h"
#include "train/compute_device.h"
#include "train/run_folder.h"
#include "util/error.h"

namespace pretrain {
namespace {

constexpr const char* kMaskText = "[MASK]";

// LibTorch's thread count is per calling thread (OpenMP): give whichever thread predicts all cores.
void prepareThread() {
  thread_local bool ready = false;
  if (!ready) setComputeThreads(0);
  ready = true;
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
std::vector<int32_t> encodeWithMasks(const Tokenizer& tok, const std::string& text, std::vector<MaskPrediction>& masks) {
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
    m.position = int(ids.size());
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

std::vector<double> toVector(const torch::Tensor& probs) {
  const torch::Tensor p = probs.to(torch::kCPU, torch::kDouble).contiguous();
  return std::vector<double>(p.data_ptr<double>(), p.data_ptr<double>() + p.numel());
}

}  // namespace

Predictor::Predictor(std::shared_ptr<LanguageModel> model, std::shared_ptr<const Tokenizer> tokenizer)
    : m_model(std::move(model)), m_tokenizer(std::move(tokenizer)) {
  if (m_model->config().vocabSize != m_tokenizer->vocabSize())
    throw InputError("the model's vocabulary differs from the tokenizer's");
  m_model->eval();
}

Predictor::~Predictor() = default;

std::unique_ptr<Predictor> Predictor::fromRun(const std::string& runDir) {
  const RunFolder run(runDir);
  const RunConfig config = run.readConfig();
  auto tokenizer = Tokenizer::load(tokenizerModelPath(run.dataDir()));
  if (tokenizer->hash() != config.tokenizerHash)
    throw InputError("the tokenizer in " + run.dataDir() + " is not the one this run was trained with");
  const std::string checkpoint = run.latestCheckpoint();
  if (checkpoint.empty()) throw InputError("run " + runDir + " has no checkpoint yet; train it first");
  auto model = makeModel(config.model);
  torch::serialize::InputArchive archive = openCheckpoint(checkpoint, torch::kCPU, tokenizer->hash(), config.model.toJson());
  try {
    torch::serialize::InputArchive weights;
    archive.read("model", weights);
    model->load(weights);
  } catch (const c10::Error&) {
    throw InputError("checkpoint " + checkpoint + " is damaged (its weights cannot be read)");
  }
  return std::make_unique<Predictor>(model, tokenizer);
}

const ModelConfig& Predictor::config() const { return m_model->config(); }

std::vector<double> Predictor::nextDistribution(std::vector<int32_t> ids, double temperature, bool* truncated) const {
  prepareThread();
  // A masked model is asked what belongs in a [MASK] after the prompt.
  if (config().objective == Objective::Masked) ids.push_back(SpecialTokens::kMask);
  if (ids.empty()) ids.push_back(SpecialTokens::kEos);  // Nothing before: the start of a document.
  const size_t context = size_t(config().context);
  if (truncated) *truncated = ids.size() > context;
  if (ids.size() > context) ids.erase(ids.begin(), ids.end() - long(context));
  torch::NoGradGuard guard;
  const torch::Tensor logits = m_model->forward(idsTensor({ids}, m_model->parameters().front().device()))[0][-1];
  if (temperature <= 0) {  // Greedy: all mass on the most probable token.
    std::vector<double> onehot(size_t(logits.size(0)), 0.0);
    onehot[size_t(logits.argmax().item<int64_t>())] = 1.0;
    return onehot;
  }
  return toVector(torch::softmax(logits.to(torch::kFloat) / temperature, -1));
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
  if (prompt.find_first_not_of(" \t\r\n") == std::string::npos) throw InputError("the prompt is empty");
  NextTokenResult r;
  const std::vector<int32_t> ids = m_tokenizer->encode(prompt);
  r.promptTokens = int(ids.size());
  const std::vector<double> probs = nextDistribution(ids, temperature, &r.truncated);
  for (const double p : probs)
    if (p > 0) r.entropyBits -= p * std::log2(p);
  r.candidates = top(probs, topK);
  return r;
}

std::vector<MaskPrediction> Predictor::fill(const std::string& text, int topK) const {
  if (text.find(kMaskText) == std::string::npos) throw InputError("the text has no [MASK] to fill");
  std::vector<MaskPrediction> masks;
  std::vector<int32_t> ids = encodeWithMasks(*m_tokenizer, text, masks);
  if (ids.size() > size_t(config().context))
    throw InputError("the text is " + std::to_string(ids.size()) + " tokens long, more than the model's context of " +
                     std::to_string(config().context));
  return config().objective == Objective::Masked ? fillMasked(ids, masks, topK) : fillCausal(ids, masks, topK);
}

std::vector<MaskPrediction> Predictor::fillMasked(std::vector<int32_t> ids, std::vector<MaskPrediction> masks,
                                                  int topK) const {
  prepareThread();
  torch::NoGradGuard guard;
  std::vector<size_t> open(masks.size());
  std::iota(open.begin(), open.end(), 0);
  // Most confident first: each round fills the mask the model is surest of, then looks again.
  while (!open.empty()) {
    const torch::Tensor probs =
        torch::softmax(m_model->forward(idsTensor({ids}, m_model->parameters().front().device()))[0].to(torch::kFloat), -1);
    size_t best = 0;
    double bestP = -1;
    for (size_t i = 0; i < open.size(); ++i) {
      const double p = probs[masks[open[i]].position].max().item<double>();
      if (p > bestP) bestP = p, best = i;
    }
    MaskPrediction& m = masks[open[best]];
    m.candidates = top(toVector(probs[m.position]), topK);
    ids[size_t(m.position)] = m.candidates.front().id;
    open.erase(open.begin() + long(best));
  }
  return masks;
}

std::vector<MaskPrediction> Predictor::fillCausal(std::vector<int32_t> ids, std::vector<MaskPrediction> masks,
                                                  int topK) const {
  prepareThread();
  torch::NoGradGuard guard;
  const auto device = m_model->parameters().front().device();
  // Left to right: candidates come from the left context, then each is scored by the likelihood of the
  // sentence with it in place (up to the next mask), so the right context has its say.
  for (size_t k = 0; k < masks.size(); ++k) {
    const size_t pos = size_t(masks[k].position);
    const size_t end = k + 1 < masks.size() ? size_t(masks[k + 1].position) : ids.size();
    std::vector<int32_t> left(ids.begin(), ids.begin() + long(pos));
    const bool padded = left.empty();
    if (padded) left.push_back(SpecialTokens::kEos);  // The start of a document.
    const std::vector<TokenCandidate> pool = top(nextDistribution(left, 1.0, nullptr), std::max(20, 4 * topK));
    std::vector<std::vector<int32_t>> rows;
    for (const auto& c : pool) {
      std::vector<int32_t> row = left;
      row.push_back(c.id);
      row.insert(row.end(), ids.begin() + long(pos) + 1, ids.begin() + long(end));
      rows.push_back(row);
    }
    const torch::Tensor logp = torch::log_softmax(m_model->forward(idsTensor(rows, device)).to(torch::kFloat), -1);
    std::vector<double> score(rows.size(), 0.0);
    for (size_t r = 0; r < rows.size(); ++r)
      for (size_t t = left.size(); t < rows[r].size(); ++t)  // log p(candidate and what follows it)
        score[r] += logp[long(r)][long(t - 1)][rows[r][t]].item<double>();
    const double maxScore = *std::max_element(score.begin(), score.end());
    double total = 0;
    for (double& s : score) total += (s = std::exp(s - maxScore));
    std::vector<TokenCandidate> ranked = pool;
    for (size_t r = 0; r < ranked.size(); ++r) ranked[r].prob = score[r] / total;
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.prob > b.prob; });
    ranked.resize(std::min(ranked.size(), size_t(topK)));
    masks[k].candidates = ranked;
    ids[pos] = ranked.front().id;
  }
  return masks;
}

std::string Predictor::generate(const std::string& prompt, const GenerateOptions& o,
                                const std::function<bool(const std::string&, double)>& onText) const {
  if (prompt.find_first_not_of(" \t\r\n") == std::string::npos) throw InputError("the prompt is empty");
  std::vector<int32_t> ids = m_tokenizer->encode(prompt);
  const std::string promptText = m_tokenizer->decode(ids);
  std::string shown;
  std::mt19937_64 rng(o.seed);
  for (int n = 0; n < o.maxNewTokens; ++n) {
    std::vector<double> p = nextDistribution(ids, o.temperature, nullptr);
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
      if (onText && !onText(delta, p[size_t(id)] / total)) break;
    }
  }
  return shown;
}

}  // namespace pretrain
