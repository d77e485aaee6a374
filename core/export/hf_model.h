#pragma once
// A model of this engine as the Hugging Face `transformers` architecture it was built to match: causal
// models as GPT2LMHeadModel, masked ones as BertForMaskedLM. The parameter names already follow theirs;
// what differs is said here once: the prefixes, GPT-2's Conv1D weights (stored (in, out), transposed
// relative to a Linear), BERT's token-type embedding (one type, all zeros), tied output weights written
// once, and every config value that differs from the library's defaults.

#include <string>

#include "compute/tensor_file.h"

namespace pretrain {

class LanguageModel;
struct ModelConfig;

/// The model's weights under the names `from_pretrained` reads. Throws InputError for a model the
/// architecture cannot express exactly.
NamedTensors huggingFaceTensors(LanguageModel& model);

/// config.json for the model (architectures, model_type, sizes, activation, epsilons, dropout,
/// special-token ids).
std::string huggingFaceConfig(const ModelConfig& config);

/// generation_config.json of a causal model (its special-token ids).
std::string huggingFaceGenerationConfig();

}  // namespace pretrain
