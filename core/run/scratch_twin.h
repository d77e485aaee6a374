#pragma once
// The run that answers "did pre-training help?" for a fine-tuned run: its twin from random weights. The same
// corpus and token store (so the same tokenizer), model shape, steps, seed and evaluation, trained as the
// pre-trained run was trained from scratch (its learning-rate schedule: peak, warm-up, floor), nothing
// frozen. The race of the two to a loss (loss_race.h) is then the figure. No LibTorch here.

#include <string>

#include "run/training_run.h"

namespace pretrain {

/// Options for `fineTuned`'s twin from random weights, into `outDir`. The learning rate and warm-up are
/// those of the first run of its chain, the one trained from scratch. Throws InputError when `fineTuned` is
/// not a run, was not fine-tuned from another, or a run of its chain cannot be read.
TrainingRunOptions scratchTwinOptions(const std::string& fineTuned, const std::string& outDir);

}  // namespace pretrain
