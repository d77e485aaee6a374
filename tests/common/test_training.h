#pragma once
// The short fp32 training the engine tests run on the small model (test_model.h), and its per-step losses.

#include <vector>

#include "train/train_config.h"
#include "train/trainer.h"

namespace testdata {

inline pretrain::TrainConfig smallTraining() {
  pretrain::TrainConfig t;
  t.batch = 8;
  t.steps = 100;
  t.lr = 3e-3;
  t.warmup = 5;
  t.threads = 2;
  t.device = "cpu";
  t.precision = "fp32";
  t.evalWindows = 16;
  return t;
}

/// The training loss of each of `steps` steps.
inline std::vector<double> stepLosses(pretrain::Trainer& t, int steps) {
  std::vector<double> out;
  for (int i = 0; i < steps; ++i) out.push_back(t.step().trainLoss);
  return out;
}

}  // namespace testdata
