#pragma once
// The short fp32 training the engine tests run on the small model (test_model.h), and its per-step losses.

#include <vector>

#include <QtCore/QDir>

#include "infer/predictor.h"
#include "run/training_run.h"
#include "test_model.h"
#include "test_tokenizer.h"
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

/// A 20-step run of a one-layer model (width 32, context 16, vocabulary 400) on `dir`/corpus.txt, into
/// `dir`/`name`: evaluated every 10 steps, a checkpoint every 5 (the last 2 kept).
inline pretrain::TrainingRunOptions smallRunOptions(const QDir& dir, const QString& name) {
  pretrain::TrainingRunOptions o;
  o.runDir = dir.filePath(name).toStdString();
  o.corpus.inputs = {dir.filePath("corpus.txt").toStdString()};
  o.tokenize.tokenizer.vocabSize = 400;
  o.model.layers = 1, o.model.heads = 2, o.model.dim = 32, o.model.mlpDim = 64, o.model.context = 16;
  o.train.batch = 4, o.train.steps = 20, o.train.warmup = 2, o.train.threads = 2;
  o.train.device = "cpu", o.train.precision = "fp32", o.train.evalEvery = 10, o.train.saveEvery = 5;
  o.train.keepCheckpoints = 2;
  return o;
}

/// A predictor of the small model (test_model.h) trained for a moment (60 steps) on `data`: enough for
/// predictions that differ from a fresh model's, quick enough for every GUI test.
inline std::shared_ptr<const pretrain::Predictor> briefModel(const TokenizedCorpus& data,
                                                             pretrain::Objective objective) {
  pretrain::TrainConfig t = smallTraining();
  t.steps = 60;
  pretrain::Trainer trainer(smallModel(objective, data.tokenizer->vocabSize()), t, data.store,
                            data.tokenizer);
  while (!trainer.finished()) trainer.step();
  return std::make_shared<const pretrain::Predictor>(trainer.snapshot(), data.tokenizer);
}

/// The training loss of each of `steps` steps.
inline std::vector<double> stepLosses(pretrain::Trainer& t, int steps) {
  std::vector<double> out;
  for (int i = 0; i < steps; ++i) out.push_back(t.step().trainLoss);
  return out;
}

}  // namespace testdata
