#pragma once
// The small model shape the engine tests train: fast on 2 cores, big enough to learn a toy corpus.

#include "model/model_config.h"

namespace testdata {

inline pretrain::ModelConfig smallModel(pretrain::Objective objective, int vocabSize) {
  pretrain::ModelConfig c;
  c.objective = objective;
  c.vocabSize = vocabSize;
  c.layers = 2;
  c.heads = 2;
  c.dim = 32;
  c.mlpDim = 64;
  c.context = 16;
  return c;
}

}  // namespace testdata
