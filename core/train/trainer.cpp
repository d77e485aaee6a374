#include "train/trainer.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <sstream>
#include <thread>

#include "compute/compute_device.h"
#include "compute/process_group.h"
#include "data/token_store.h"
#include "model/language_model.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/word_pieces.h"
#include "train/adamw.h"
#include "train/batch_sampler.h"
#include "train/checkpoint.h"
#include "train/cross_entropy.h"
#include "train/legacy_checkpoint.h"
#include "train/lr_schedule.h"
#include "train/pair_batch.h"
#include "util/atomic_file.h"
#include "util/content_hash.h"

namespace pretrain {
namespace {

// Non-finite steps in a row after which a run is called diverged (one can be a bad batch; three are not).
constexpr int kMaxBadSteps = 3;

// A batch's ids on the device. To a GPU through pinned memory, without waiting for the copy: the step's
// kernels queue behind it.
torch::Tensor toTensor(const std::vector<int64_t>& v, int64_t rows, int64_t cols,
                       const torch::Device& device) {
  const torch::Tensor host = torch::from_blob(const_cast<int64_t*>(v.data()), {rows, cols}, torch::kLong);
  return device.is_cuda() ? host.pin_memory().to(device, /*non_blocking=*/true) : host.clone();
}

// Counted on the host, where the batch was made: no waiting for the device.
int64_t predictedPositions(const Batch& b) {
  return std::count_if(b.targets.begin(), b.targets.end(), [](int64_t t) { return t != kIgnoreLabel; });
}

}  // namespace

struct Trainer::Impl {
  ModelConfig modelConfig;
  TrainConfig config;
  std::shared_ptr<const TokenStore> store;
  std::shared_ptr<const Tokenizer> tokenizer;
  ComputeSetup compute;
  std::shared_ptr<LanguageModel> model;
  std::unique_ptr<AdamW> optimizer;
  std::unique_ptr<BatchSampler> sampler;
  std::vector<uint32_t> byteLengths;  // per id, for bits per byte
  std::mt19937_64 rng;
  int64_t step = 0;
  uint64_t tokensSeen = 0;
  double elapsed = 0;
  int badSteps = 0;
  std::thread::id configuredThread;
  std::shared_ptr<ProcessGroup> group;  // data-parallel processes, or none

  int ranks() const { return group ? group->size() : 1; }
  int rank() const { return group ? group->rank() : 0; }

  // Sums `values` (and every parameter's gradient, when asked) over the process group; returns the seconds
  // it took. Gradients go in buckets of about the group's bucketBytes, in parameter order, the last bucket
  // carrying `values`, as PyTorch's DDP groups them: each bucket's sum starts as soon as it is packed, so
  // packing the next and the collective library's threads work at the same time.
  double sumOverGroup(torch::Tensor& values, bool gradients) {
    if (!group) return 0;
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::vector<torch::Tensor>> buckets(1);  // each: the tensors packed into one buffer
    int64_t bucketBytes = 0;
    if (gradients)
      for (const torch::Tensor& p : model->parameters()) {
        if (!p.requires_grad()) continue;  // Frozen: the same on every process without summing.
        torch::Tensor& g = p.mutable_grad();
        if (!g.defined())
          g = torch::zeros_like(p);  // A parameter no loss reached here may be reached elsewhere.
        if (bucketBytes >= group->settings().bucketBytes) {
          buckets.emplace_back();
          bucketBytes = 0;
        }
        buckets.back().push_back(g);
        bucketBytes += g.numel() * int64_t(g.element_size());
      }
    buckets.back().push_back(values);
    std::vector<std::vector<torch::Tensor>> flat(buckets.size());
    std::vector<std::function<void()>> pending;
    for (size_t b = 0; b < buckets.size(); ++b) {
      std::vector<torch::Tensor> parts;
      for (const torch::Tensor& t : buckets[b]) parts.push_back(t.reshape({-1}).to(values.scalar_type()));
      flat[b] = {torch::cat(parts)};
      pending.push_back(group->startAllReduceSum(flat[b]));
    }
    for (size_t b = 0; b < buckets.size(); ++b) {
      pending[b]();
      int64_t offset = 0;
      for (torch::Tensor& t : buckets[b]) {
        t.copy_(flat[b][0].narrow(0, offset, t.numel()).view_as(t));
        offset += t.numel();
      }
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

  // Frozen parameters keep their values: no gradient, no optimizer state, nothing summed over the group.
  void freeze() {
    if (config.freezeBlocks > modelConfig.layers)
      throw InputError("cannot freeze " + std::to_string(config.freezeBlocks) + " blocks of a model with " +
                       std::to_string(modelConfig.layers) + " blocks");
    std::vector<torch::Tensor> frozen;
    if (config.freezeEmbeddings) frozen = model->embeddingParameters();
    for (int b = 0; b < config.freezeBlocks; ++b)
      for (const torch::Tensor& t : model->blockParameters(b)) frozen.push_back(t);
    for (torch::Tensor& t : frozen) t.set_requires_grad(false);
  }

  // OpenMP's thread count is a per-thread setting: set it in whichever thread trains.
  void prepareThread() {
    if (configuredThread == std::this_thread::get_id()) return;
    setComputeThreads(config.threads);
    configuredThread = std::this_thread::get_id();
  }

  LrSchedule schedule() const {
    LrSchedule s;
    s.peak = config.lr;
    s.warmup = config.warmup;
    s.total = config.steps;
    s.floorRatio = config.lrFloor;
    return s;
  }

  EvalMetrics evaluate(const BatchSampler& sampler, TokenSplit split, int windows,
                       const ProgressFn& progress = {}) {
    prepareThread();
    torch::NoGradGuard guard;
    model->eval();
    double nats = 0, bytes = 0, exact = 0, pairs = 0;
    uint64_t tokens = 0, windowsDone = 0;
    const bool scorePairs = sampler.holdsPairs();
    // Shared out over the process group: batch i to process i mod N, and the sums summed.
    std::vector<Batch> batches;
    const std::vector<Batch> all = sampler.fixedBatches(split, windows, config.batch);
    for (size_t i = 0; i < all.size(); ++i)
      if (int(i % size_t(ranks())) == rank()) batches.push_back(all[i]);
    uint64_t windowsTotal = 0;
    for (const Batch& b : batches) windowsTotal += uint64_t(b.rows);
    for (const Batch& b : batches) {
      reportProgress(progress, {"evaluating", windowsDone, windowsTotal, "windows", ""});
      windowsDone += uint64_t(b.rows);
      int64_t matches = 0;
      nats += loss(b, 1.0, scorePairs ? &matches : nullptr).item<double>();
      exact += double(matches);
      pairs += double(b.rows);
      tokens += uint64_t(predictedPositions(b));
      for (const int64_t t : b.targets)
        if (t != kIgnoreLabel) bytes += byteLengths[size_t(t)];
    }
    torch::Tensor sums = torch::tensor({nats, double(tokens), bytes, exact, pairs}, torch::kDouble);
    sumOverGroup(sums, /*gradients=*/false);
    nats = sums[0].item<double>();
    tokens = uint64_t(sums[1].item<double>());
    bytes = sums[2].item<double>();
    reportProgress(progress, {"evaluating", windowsDone, windowsTotal, "windows", ""});
    EvalMetrics e;
    e.step = step;
    e.tokens = tokens;
    e.loss = tokens ? nats / double(tokens) : std::nan("");
    e.perplexity = std::exp(e.loss);
    e.bitsPerByte = bytes > 0 ? nats / std::log(2.0) / bytes : std::nan("");
    e.pairs = uint64_t(sums[4].item<double>());
    if (scorePairs && e.pairs > 0) e.exactMatch = sums[3].item<double>() / double(e.pairs);
    return e;
  }

  // The batch's loss summed over its predicted positions and divided by `divisor`; with `exactMatches`, also
  // the rows whose every predicted position has the target as the model's first choice.
  torch::Tensor loss(const Batch& b, double divisor, int64_t* exactMatches = nullptr) {
    const torch::Tensor x = toTensor(b.inputs, b.rows, b.cols, compute.device);
    const torch::Tensor y = toTensor(b.targets, b.rows, b.cols, compute.device);
    torch::Tensor logits;
    {
      AutocastGuard autocast(compute);
      logits = model->forward(x);  // (B, T, V)
    }
    if (exactMatches)
      *exactMatches = ((logits.argmax(-1) == y) | (y == kIgnoreLabel)).all(1).sum().item<int64_t>();
    return crossEntropy(logits.reshape({-1, logits.size(-1)}), y.reshape({-1}), divisor);
  }
};

Trainer::Trainer(const ModelConfig& modelConfig, const TrainConfig& config,
                 std::shared_ptr<const TokenStore> store, std::shared_ptr<const Tokenizer> tokenizer,
                 std::shared_ptr<ProcessGroup> group)
    : d(std::make_unique<Impl>()) {
  modelConfig.validate();
  config.validate();
  if (modelConfig.vocabSize != tokenizer->vocabSize())
    throw InputError("the model's vocabulary (" + std::to_string(modelConfig.vocabSize) +
                     ") differs from the tokenizer's (" + std::to_string(tokenizer->vocabSize()) + ")");
  if (store->manifest().tokenizerHash != tokenizer->hash())
    throw InputError("the token store was made with another tokenizer; tokenize the corpus again");
  d->modelConfig = modelConfig;
  d->config = config;
  d->store = std::move(store);
  d->tokenizer = std::move(tokenizer);
  d->group = std::move(group);
  // A group's processes on one machine take a GPU each, as torchrun numbers them.
  d->compute = chooseCompute(config.device, config.precision, config.threads,
                             d->group ? d->group->settings().localRank : 0);
  if (d->group && d->group->settings().gpus != d->compute.device.is_cuda())
    throw InputError(std::string("the process group was joined for ") +
                     (d->group->settings().gpus ? "GPUs" : "CPUs") + " but the run trains on " +
                     d->compute.device.str());
  d->prepareThread();
  if (!d->compute.device.is_cuda()) keepTensorMemoryInHeap();
  d->rng.seed(config.seed);
  torch::manual_seed(config.seed);
  d->model = makeModel(modelConfig);
  d->model->to(d->compute.device);
  d->freeze();
  d->sampler = std::make_unique<BatchSampler>(d->store, modelConfig.objective, modelConfig.context,
                                              vocabularyTraits(*d->tokenizer), config.masking);
  d->byteLengths = pieceByteLengths(*d->tokenizer);

  std::vector<std::pair<std::string, torch::Tensor>> named;
  for (const auto& p : d->model->named_parameters())
    if (p.value().requires_grad()) named.emplace_back(p.key(), p.value());
  d->optimizer = std::make_unique<AdamW>(named, config.weightDecay);
}

Trainer::~Trainer() = default;

StepMetrics Trainer::step() {
  d->prepareThread();
  const auto start = std::chrono::steady_clock::now();
  d->model->train();
  d->optimizer->zeroGrad();
  torch::Tensor loss = torch::zeros({}, torch::dtype(torch::kFloat).device(d->compute.device));
  uint64_t tokens = 0;
  for (int micro = 0; micro < d->config.accum; ++micro) {
    // Every process draws the whole global batch from the same stream and takes its rows: N processes of
    // batch B/N see what one process of batch B sees.
    const Batch global = d->sampler->trainBatch(d->config.batch * d->ranks(), d->rng);
    tokens += inputTokens(global);  // the whole group's
    const Batch batch =
        d->ranks() > 1 ? rowsOf(global, int64_t(d->rank()) * d->config.batch, d->config.batch) : global;
    // The mean over the global batch's positions, over the micro-batches: the loss divides its own gradient.
    const double divisor = double(std::max<int64_t>(1, predictedPositions(global))) * d->config.accum;
    const torch::Tensor part = d->loss(batch, divisor);
    part.backward();
    loss += part.detach();
  }
  StepMetrics m;
  m.allReduceSeconds = d->sumOverGroup(loss, /*gradients=*/true);
  m.lr = d->schedule().at(d->step);
  const torch::Tensor gradNorm = d->optimizer->step(loss, m.lr, d->config.gradClip);
  // The step's one wait for the device: the loss and gradient norm for the log.
  const torch::Tensor both =
      torch::stack({loss.to(torch::kDouble), gradNorm.to(loss.device(), torch::kDouble)}).cpu();
  m.trainLoss = both[0].item<double>();
  m.gradNorm = both[1].item<double>();
  if (!std::isfinite(m.trainLoss) || !std::isfinite(m.gradNorm)) {
    // Not applied (the optimizer saw it too): the weights stay as they were.
    m.skipped = true;
    if (++d->badSteps >= kMaxBadSteps)
      throw TrainingError("training stopped at step " + std::to_string(d->step + 1) +
                          ": the loss or gradient was not finite for " + std::to_string(kMaxBadSteps) +
                          " steps in a row; lower the learning rate (now " + std::to_string(d->config.lr) +
                          ") or resume from the last checkpoint");
  } else {
    d->badSteps = 0;
  }
  ++d->step;
  d->tokensSeen += tokens;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  d->elapsed += seconds;
  m.step = d->step;
  m.tokensPerSecond = double(tokens) / seconds;
  m.elapsedSeconds = d->elapsed;
  m.tokensSeen = d->tokensSeen;
  return m;
}

EvalMetrics Trainer::evaluate() {
  return d->evaluate(*d->sampler, TokenSplit::Validation, d->config.evalWindows);
}

EvalMetrics Trainer::evaluate(const std::shared_ptr<const TokenStore>& store, TokenSplit split, int windows,
                              const ProgressFn& progress) {
  if (store->manifest().tokenizerHash != d->tokenizer->hash())
    throw InputError("the token store " + store->dir() + " was made with another tokenizer");
  const BatchSampler sampler(store, d->modelConfig.objective, d->modelConfig.context,
                             vocabularyTraits(*d->tokenizer), d->config.masking);
  return d->evaluate(sampler, split, windows, progress);
}

int64_t Trainer::frozenParameters() const {
  int64_t n = 0;
  for (const torch::Tensor& p : d->model->parameters())
    if (!p.requires_grad()) n += p.numel();
  return n;
}

int64_t Trainer::stepsDone() const { return d->step; }
bool Trainer::finished() const { return d->step >= d->config.steps; }
const ModelConfig& Trainer::modelConfig() const { return d->modelConfig; }
const TrainConfig& Trainer::trainConfig() const { return d->config; }
void Trainer::setTotalSteps(int64_t steps) { d->config.steps = steps; }
std::string Trainer::computeDescription() const {
  if (!d->group) return d->compute.description;
  return d->compute.description + ", process " + std::to_string(d->rank() + 1) + " of " +
         std::to_string(d->ranks()) + " (data-parallel over " +
         (d->group->settings().gpus ? "NCCL" : "Gloo") + ", global batch " +
         std::to_string(d->config.batch * d->ranks()) + ", evaluation shared out)";
}
std::shared_ptr<LanguageModel> Trainer::model() const { return d->model; }

std::string Trainer::parameterDigest() const {
  ContentHash hash;
  for (const torch::Tensor& p : d->model->parameters()) {
    const torch::Tensor values = p.detach().cpu().contiguous();
    hash.add(values.data_ptr(), size_t(values.numel()) * values.element_size());
  }
  return hash.hex();
}
std::shared_ptr<const TokenStore> Trainer::storeShared() const { return d->store; }
std::shared_ptr<const Tokenizer> Trainer::tokenizer() const { return d->tokenizer; }
std::shared_ptr<LanguageModel> Trainer::snapshot() const { return snapshotModel(*d->model); }

namespace {

const std::string kOptimizerPrefix = "optimizer.";
const std::string kTorchRngName = "rng.torch";

// The CPU generator's state: dropout draws from it.
torch::Tensor torchRngState() {
  at::Generator gen = at::detail::getDefaultCPUGenerator();  // a handle to the shared generator
  std::lock_guard<std::mutex> lock(gen.mutex());
  return gen.get_state();
}

void setTorchRngState(const torch::Tensor& state) {
  at::Generator gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(state.cpu());
}

std::string exactText(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);  // Reads back as the same double.
  return buf;
}

}  // namespace

void Trainer::saveCheckpoint(const std::string& path) const {
  NamedTensors tensors = modelTensors(*d->model);
  for (auto& [name, t] : d->optimizer->stateTensors()) tensors.emplace_back(kOptimizerPrefix + name, t);
  tensors.emplace_back(kTorchRngName, torchRngState());
  std::ostringstream rng;
  rng << d->rng;
  writeCheckpoint(path, tensors,
                  {{"step", std::to_string(d->step)},
                   {"tokens_seen", std::to_string(d->tokensSeen)},
                   {"elapsed", exactText(d->elapsed)},
                   {"bad_steps", std::to_string(d->badSteps)},
                   {"data_rng", rng.str()}},
                  d->tokenizer->hash(), d->modelConfig.toJson());
}

void Trainer::saveSnapshot(const std::string& path) const {
  NamedTensors tensors;
  for (const auto& [name, t] : modelTensors(*d->model))
    tensors.emplace_back(name, t.detach().to(torch::kBFloat16));
  writeCheckpoint(path, tensors,
                  {{"step", std::to_string(d->step)}, {"tokens_seen", std::to_string(d->tokensSeen)}},
                  d->tokenizer->hash(), d->modelConfig.toJson(), CheckpointKind::Snapshot);
}

void Trainer::loadCheckpoint(const std::string& path) {
  const Checkpoint c(path, d->tokenizer->hash(), d->modelConfig.toJson());
  c.loadModel(*d->model);
  d->optimizer->loadState(c.file(), kOptimizerPrefix);
  std::mt19937_64 dataRng;
  std::istringstream rng(c.text("data_rng"));
  if (!(rng >> dataRng)) throw InputError("checkpoint " + path + " has a data_rng that cannot be read");
  const int64_t step = c.count("step"), tokensSeen = c.count("tokens_seen"), badSteps = c.count("bad_steps");
  const double elapsed = c.number("elapsed");
  try {
    setTorchRngState(readTensor(c.file(), kTorchRngName));
  } catch (const c10::Error& e) {  // LibTorch checks the state's size and contents.
    throw InputError("checkpoint " + path + " has a random state that cannot be used: " + firstLine(e));
  }
  d->step = step;
  d->tokensSeen = uint64_t(tokensSeen);
  d->elapsed = elapsed;
  d->badSteps = int(std::min<int64_t>(badSteps, kMaxBadSteps));
  d->rng = dataRng;
}

void Trainer::copyWeightsFrom(LanguageModel& source) {
  torch::NoGradGuard noGrad;
  const auto from = source.named_parameters();
  for (auto& p : d->model->named_parameters()) {
    const torch::Tensor* s = from.find(p.key());
    if (!s || s->sizes() != p.value().sizes())
      throw InputError("the model to start from has no parameter " + p.key() + " of this shape");
    p.value().copy_(*s);
  }
}

void Trainer::loadLegacyCheckpoint(const std::string& path) {
  const LegacyPosition p =
      readLegacyCheckpoint(path, d->tokenizer->hash(), d->modelConfig.toJson(), *d->model, *d->optimizer);
  std::istringstream rng(p.dataRng);
  if (!(rng >> d->rng)) throw InputError("checkpoint " + path + " has a data_rng that cannot be read");
  setTorchRngState(p.torchRng);
  d->step = p.step;
  d->tokensSeen = uint64_t(p.tokensSeen);
  d->elapsed = p.elapsed;
  d->badSteps = int(p.badSteps);
}

}  // namespace pretrain
