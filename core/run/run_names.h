#pragma once
// Where the studio puts things, decided in the engine so the policy is written once and tested: a new
// run's folder, and the folder in which a corpus is prepared (tokenizer + token store) for given
// tokenizer settings. No LibTorch here.

#include <ctime>
#include <string>
#include <vector>

#include "tokenizer/tokenizer_trainer.h"

namespace pretrain {

/// A folder for a new run under `runsFolder`, named by its start time in local time ("20261127-141503"),
/// with "-2", "-3", ... when that name is taken (two runs started within a second). Does not create it.
std::string newRunDir(const std::string& runsFolder, std::time_t start);

/// The folder under `preparedRoot` where `inputs` are prepared with `tokenizer`'s type and vocabulary
/// size: one per corpus and settings, so changing either prepares afresh while going back reuses the
/// earlier work (the token store itself notices changed files, tokenize_corpus.h).
std::string preparedDataDir(const std::string& preparedRoot, const std::vector<std::string>& inputs,
                            const TokenizerOptions& tokenizer);

}  // namespace pretrain
