#include "train/train_settings.h"

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <type_traits>

#include "util/error.h"
#include "util/exact_number.h"

namespace pretrain {
namespace {

// A row's accessor: the member `m` of TrainConfig, as a plain function the table can hold.
#define PRETRAIN_MEMBER(m) +[](TrainConfig& c) -> auto& { return c.m; }

constexpr double kEveryStep = double(1LL << 40);  // Step counts: far past any run, inside a double's integers.

// A row as the table below spells it: the columns every row has, then what sets it apart.
struct Row : TrainSetting {
  Row(const char* flagName, const char* jsonKey, const char* value, const char* helpText, Field member,
      double lowest = 0, double highest = 0) {
    flag = flagName;
    json = jsonKey;
    valueName = value;
    help = helpText;
    field = member;
    min = lowest;
    max = highest;
  }
  Row& oneOf(std::vector<std::string> allowed) {
    choices = std::move(allowed);
    return *this;
  }
  Row& resume(OnResume r) {
    onResume = r;
    return *this;
  }
  Row& twinChooses() {
    twinMayChange = true;
    return *this;
  }
  Row& fineTuning() {
    fineTuneOnly = true;
    return *this;
  }
  Row& addedLater() {
    since1 = false;
    return *this;
  }
};

std::vector<TrainSetting> makeTable() {
  using R = OnResume;
  // Columns: flag ("" for none), config.json key, value name, help, member, min, max.
  return {
      Row("batch", "batch", "N", "sequences per micro-batch", PRETRAIN_MEMBER(batch), 1, 1 << 20),
      Row("accum", "accum", "N", "micro-batches per optimizer step (gradient accumulation)",
          PRETRAIN_MEMBER(accum), 1, 1 << 20),
      Row("steps", "steps", "N", "optimizer steps of the whole run", PRETRAIN_MEMBER(steps), 1, kEveryStep)
          .resume(R::Changes),
      Row("lr", "lr", "X", "peak learning rate (warmup, then cosine to --lr-floor)", PRETRAIN_MEMBER(lr), 1e-8,
          10),
      Row("warmup", "warmup", "N", "warmup steps", PRETRAIN_MEMBER(warmup), 0, kEveryStep),
      Row("lr-floor", "lr_floor", "X", "the final learning rate, as a share of the peak (0: decay to zero)",
          PRETRAIN_MEMBER(lrFloor), 0, 1)
          .addedLater(),
      Row("", "weight_decay", "X", "AdamW's decoupled decay, on weight matrices only",
          PRETRAIN_MEMBER(weightDecay), 0, 10),
      Row("", "grad_clip", "X", "the global gradient norm is clipped to this", PRETRAIN_MEMBER(gradClip), 1e-6,
          1e6),
      Row("seed", "seed", "N", "random seed: initialisation, batches, masking", PRETRAIN_MEMBER(seed), 0,
          double(1LL << 62)),
      Row("threads", "threads", "N", "CPU threads; 0 = all cores", PRETRAIN_MEMBER(threads), 0, 1024)
          .resume(R::PerProcess)
          .twinChooses(),
      Row("device", "device", "cpu|cuda|auto", "where to train", PRETRAIN_MEMBER(device))
          .oneOf({"cpu", "cuda", "auto"})
          .resume(R::PerProcess)
          .twinChooses(),
      Row("precision", "precision", "fp32|bf16|auto", "bf16 autocast where the hardware is fast at it (auto)",
          PRETRAIN_MEMBER(precision))
          .oneOf({"fp32", "bf16", "auto"})
          .twinChooses(),
      Row("eval-every", "eval_every", "N", "steps between validation passes", PRETRAIN_MEMBER(evalEvery), 1,
          kEveryStep)
          .resume(R::Changes),
      Row("", "eval_windows", "N", "fixed validation windows per pass", PRETRAIN_MEMBER(evalWindows), 1,
          1 << 20),
      Row("save-every", "save_every", "N", "steps between checkpoints", PRETRAIN_MEMBER(saveEvery), 1,
          kEveryStep)
          .resume(R::Changes)
          .twinChooses(),
      Row("", "keep_checkpoints", "N", "checkpoints kept; older ones are deleted",
          PRETRAIN_MEMBER(keepCheckpoints), 1, 1 << 20),
      Row("snapshot-every", "snapshot_every", "N",
          "steps between the timeline's bf16 snapshots of the weights, after steps 0, 1, 2, 4, ... 512",
          PRETRAIN_MEMBER(snapshotEvery), 1, kEveryStep)
          .resume(R::Changes)
          .twinChooses()
          .addedLater(),
      Row("snapshot-budget-mb", "snapshot_budget_mb", "MB", "disk space the snapshots may take; 0 = keep none",
          PRETRAIN_MEMBER(snapshotBudgetMb), 0, double(1LL << 30))
          .resume(R::Changes)
          .twinChooses()
          .addedLater(),
      Row("mask-rate", "masking.rate", "X", "masked objective: share of tokens to predict",
          PRETRAIN_MEMBER(masking.rate), 0.01, 0.99),
      Row("", "masking.mask_share", "X", "masked objective: share of those replaced by [MASK]",
          PRETRAIN_MEMBER(masking.maskShare), 0, 1),
      Row("", "masking.random_share", "X", "masked objective: share of those replaced by a random token",
          PRETRAIN_MEMBER(masking.randomShare), 0, 1),
      Row("whole-word", "masking.whole_word", "", "masked objective: mask whole words",
          PRETRAIN_MEMBER(masking.wholeWord)),
      Row("freeze-embeddings", "freeze.embeddings", "",
          "keep the token and position embeddings as they are (and so the output layer, which shares the "
          "token embedding's weights): for fine-tuning",
          PRETRAIN_MEMBER(freezeEmbeddings))
          .fineTuning()
          .addedLater(),
      Row("freeze-blocks", "freeze.blocks", "K", "keep the first K Transformer blocks as they are: for fine-tuning",
          PRETRAIN_MEMBER(freezeBlocks), 0, 256)
          .fineTuning()
          .addedLater(),
  };
}

#undef PRETRAIN_MEMBER

// `f` called with a reference to the row's member of `c`.
template <class F>
void visit(const TrainSetting& s, TrainConfig& c, F&& f) {
  std::visit([&](auto member) { f(member(c)); }, s.field);
}
template <class F>
void visit(const TrainSetting& s, const TrainConfig& c, F&& f) {
  visit(s, const_cast<TrainConfig&>(c), [&](const auto& v) { f(v); });  // Read only.
}

template <class T>
constexpr bool kIsNumber = std::is_arithmetic_v<T> && !std::is_same_v<T, bool>;

// The node of a "key" or "group.key" path in `j`: nullptr where missing (reading), made (writing).
const nlohmann::json* node(const nlohmann::json& j, const std::string& path) {
  const size_t dot = path.find('.');
  if (dot == std::string::npos) return j.contains(path) ? &j.at(path) : nullptr;
  const std::string group = path.substr(0, dot);
  return j.contains(group) ? node(j.at(group), path.substr(dot + 1)) : nullptr;
}
nlohmann::json& node(nlohmann::json& j, const std::string& path) {
  const size_t dot = path.find('.');
  return dot == std::string::npos ? j[path] : node(j[path.substr(0, dot)], path.substr(dot + 1));
}

}  // namespace

bool TrainSetting::isSwitch() const { return std::holds_alternative<bool& (*)(TrainConfig&)>(field); }
bool TrainSetting::isText() const { return std::holds_alternative<std::string& (*)(TrainConfig&)>(field); }
bool TrainSetting::isWhole() const {
  return !isSwitch() && !isText() && !std::holds_alternative<double& (*)(TrainConfig&)>(field);
}

std::string TrainSetting::text(const TrainConfig& c) const {
  std::string out;
  visit(*this, c, [&out](const auto& v) {
    using T = std::decay_t<decltype(v)>;
    if constexpr (std::is_same_v<T, bool>)
      out = v ? "true" : "false";
    else if constexpr (std::is_same_v<T, std::string>)
      out = v;
    else if constexpr (std::is_floating_point_v<T>)
      out = exactNumber(v);
    else
      out = std::to_string(v);
  });
  return out;
}

void TrainSetting::setWhole(TrainConfig& c, long long value) const {
  visit(*this, c, [value](auto& v) {
    if constexpr (kIsNumber<std::decay_t<decltype(v)>>) v = static_cast<std::decay_t<decltype(v)>>(value);
  });
}

void TrainSetting::setReal(TrainConfig& c, double value) const {
  visit(*this, c, [value](auto& v) {
    if constexpr (std::is_floating_point_v<std::decay_t<decltype(v)>>) v = value;
  });
}

void TrainSetting::setSwitch(TrainConfig& c, bool on) const {
  visit(*this, c, [on](auto& v) {
    if constexpr (std::is_same_v<std::decay_t<decltype(v)>, bool>) v = on;
  });
}

void TrainSetting::setText(TrainConfig& c, const std::string& value) const {
  visit(*this, c, [&value](auto& v) {
    if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string>) v = value;
  });
}

void TrainSetting::copy(const TrainConfig& from, TrainConfig& to) const {
  visit(*this, from, [&](const auto& v) {
    visit(*this, to, [&v](auto& w) {
      if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::decay_t<decltype(w)>>) w = v;
    });
  });
}

void TrainSetting::check(const TrainConfig& c) const {
  visit(*this, c, [this, &c](const auto& v) {
    using T = std::decay_t<decltype(v)>;
    if constexpr (kIsNumber<T>) {
      if (!(double(v) >= min && double(v) <= max))  // NaN fails too.
        throw InputError(name() + " must be from " + exactNumber(min) + " to " + exactNumber(max) + ", not " +
                         text(c));
    } else if constexpr (std::is_same_v<T, std::string>) {
      std::string list;
      for (const std::string& choice : choices) {
        if (v == choice) return;
        list += (list.empty() ? "" : ", ") + choice;
      }
      throw InputError(name() + " must be one of " + list + ", not " + v);
    }
  });
}

void TrainSetting::toJson(const TrainConfig& c, nlohmann::json& train) const {
  visit(*this, c, [&](const auto& v) { node(train, json) = v; });
}

void TrainSetting::fromJson(const nlohmann::json& train, TrainConfig& c) const {
  const nlohmann::json* n = node(train, json);
  if (!n) {
    if (since1) train.at(json);  // Throws json's "key not found", naming it.
    return;                      // A later addition: older runs get its default.
  }
  visit(*this, c, [n](auto& v) { v = n->get<std::decay_t<decltype(v)>>(); });
}

const std::vector<TrainSetting>& trainSettings() {
  static const std::vector<TrainSetting> table = makeTable();
  return table;
}

const TrainSetting& trainSetting(const std::string& name) {
  for (const TrainSetting& s : trainSettings())
    if (s.name() == name) return s;
  throw std::logic_error("no training setting named " + name);
}

}  // namespace pretrain
