#include "train/train_config.h"

#include <nlohmann/json.hpp>

#include "util/error.h"

namespace pretrain {

void TrainConfig::validate() const {
  auto need = [](bool ok, const std::string& what) {
    if (!ok) throw InputError(what);
  };
  need(batch >= 1, "batch must be at least 1");
  need(accum >= 1, "accumulation must be at least 1");
  need(steps >= 1, "steps must be at least 1");
  need(lr > 0 && lr < 10, "learning rate must be above 0 and below 10");
  need(warmup >= 0, "warmup must not be negative");
  need(weightDecay >= 0, "weight decay must not be negative");
  need(gradClip > 0, "gradient clip must be above 0");
  need(threads >= 0, "threads must not be negative");
  need(device == "auto" || device == "cpu" || device == "cuda",
       "device must be cpu, cuda or auto, not " + device);
  need(precision == "auto" || precision == "fp32" || precision == "bf16",
       "precision must be fp32, bf16 or auto, not " + precision);
  need(evalEvery >= 1 && saveEvery >= 1, "evaluation and save intervals must be at least 1");
  need(evalWindows >= 1, "evaluation windows must be at least 1");
  need(keepCheckpoints >= 1, "keep at least 1 checkpoint");
  need(snapshotEvery >= 1, "the snapshot interval must be at least 1");
  need(snapshotBudgetMb >= 0, "the snapshot budget cannot be negative");
  need(freezeBlocks >= 0, "frozen blocks must not be negative");
  need(masking.rate > 0 && masking.rate < 1, "mask rate must be above 0 and below 1");
  need(masking.maskShare >= 0 && masking.randomShare >= 0 && masking.maskShare + masking.randomShare <= 1,
       "mask and random shares must add up to at most 1");
}

std::string TrainConfig::toJson() const {
  nlohmann::json j = {{"batch", batch},
                      {"accum", accum},
                      {"steps", steps},
                      {"lr", lr},
                      {"warmup", warmup},
                      {"weight_decay", weightDecay},
                      {"grad_clip", gradClip},
                      {"seed", seed},
                      {"threads", threads},
                      {"device", device},
                      {"precision", precision},
                      {"eval_every", evalEvery},
                      {"eval_windows", evalWindows},
                      {"save_every", saveEvery},
                      {"keep_checkpoints", keepCheckpoints},
                      {"snapshot_every", snapshotEvery},
                      {"snapshot_budget_mb", snapshotBudgetMb},
                      {"masking",
                       {{"rate", masking.rate},
                        {"mask_share", masking.maskShare},
                        {"random_share", masking.randomShare},
                        {"whole_word", masking.wholeWord}}}};
  if (freezeEmbeddings || freezeBlocks > 0)
    j["freeze"] = {{"embeddings", freezeEmbeddings}, {"blocks", freezeBlocks}};
  return j.dump();
}

TrainConfig TrainConfig::fromJson(const std::string& text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw InputError("training configuration is not valid JSON");
  TrainConfig c;
  try {
    c.batch = j.at("batch");
    c.accum = j.at("accum");
    c.steps = j.at("steps");
    c.lr = j.at("lr");
    c.warmup = j.at("warmup");
    c.weightDecay = j.at("weight_decay");
    c.gradClip = j.at("grad_clip");
    c.seed = j.at("seed");
    c.threads = j.at("threads");
    c.device = j.at("device");
    c.precision = j.at("precision");
    c.evalEvery = j.at("eval_every");
    c.evalWindows = j.at("eval_windows");
    c.saveEvery = j.at("save_every");
    c.keepCheckpoints = j.at("keep_checkpoints");
    // Runs made before snapshots existed have neither: they get the defaults from here on.
    c.snapshotEvery = j.value("snapshot_every", c.snapshotEvery);
    c.snapshotBudgetMb = j.value("snapshot_budget_mb", c.snapshotBudgetMb);
    const auto& m = j.at("masking");
    c.masking.rate = m.at("rate");
    c.masking.maskShare = m.at("mask_share");
    c.masking.randomShare = m.at("random_share");
    c.masking.wholeWord = m.at("whole_word");
    if (j.contains("freeze")) {  // Only runs that freeze something record it.
      c.freezeEmbeddings = j["freeze"].at("embeddings");
      c.freezeBlocks = j["freeze"].at("blocks");
    }
  } catch (const nlohmann::json::exception& e) {
    throw InputError(std::string("training configuration is incomplete: ") + e.what());
  }
  c.validate();
  return c;
}

}  // namespace pretrain
