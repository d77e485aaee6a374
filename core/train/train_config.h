#pragma once
// How a run trains: every setting of `pretrain train` and of the GUI's Train page, with its default. Each
// member has one row in train_settings.cpp (flag, help, range, config.json key). Plain C++ (no LibTorch).

#include <cstdint>
#include <string>

#include "data/mlm_masking.h"

namespace pretrain {

/// Fine-tuning (a run started from another's weights) adjusts pre-trained weights rather than overwriting
/// them: by default a third of pre-training's peak learning rate and a fifth of its warm-up.
constexpr double kFineTuneLr = 3e-4;
constexpr int64_t kFineTuneWarmup = 20;

struct TrainConfig {
  int batch = 16;                  // sequences per micro-batch
  int accum = 1;                   // micro-batches per optimizer step (gradient accumulation)
  int64_t steps = 1000;            // optimizer steps of the whole run; --resume continues towards it
  double lr = 1e-3;                // peak learning rate, reached after warmup
  int64_t warmup = 100;            // linear warmup steps; then cosine decay to lrFloor of the peak
  double lrFloor = 0.1;            // the final learning rate, as a share of the peak
  double weightDecay = 0.1;        // AdamW decay, on weight matrices only
  double gradClip = 1.0;           // global gradient-norm clip
  uint64_t seed = 1337;            // model initialisation, batch sampling, masking
  int threads = 0;                 // intra-op threads; 0 = all cores
  std::string device = "auto";     // cpu, cuda, or auto (CUDA when this LibTorch has it and a GPU is there)
  std::string precision = "auto";  // fp32, bf16 (autocast, fp32 master weights), or auto (bf16 where fast)
  int64_t evalEvery = 100;         // steps between validation passes
  int evalWindows = 32;            // fixed validation windows per pass
  int64_t saveEvery = 500;         // steps between checkpoints (and one at the end or on stop)
  int keepCheckpoints = 3;         // older checkpoints are deleted
  // Light bf16 snapshots of the weights for the timeline (snapshot_schedule.h): every this many steps
  // after the log-spaced early ones, while their total stays under the budget (0: none are kept).
  int64_t snapshotEvery = 500;
  int64_t snapshotBudgetMb = 1024;
  MaskingOptions masking;  // masked objective only
  // Fine-tuning may keep parts of the model as they were: the embeddings (and so the output layer, which
  // shares the token embedding's weights), and the first this many Transformer blocks.
  bool freezeEmbeddings = false;
  int freezeBlocks = 0;

  /// Throws InputError for impossible settings (out of a row's range).
  void validate() const;
  std::string toJson() const;
  static TrainConfig fromJson(const std::string& text);
};

}  // namespace pretrain
