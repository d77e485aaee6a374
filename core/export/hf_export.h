#pragma once
// Exporting a run's model to the Hugging Face layout, which `transformers` loads with from_pretrained:
// model.safetensors, config.json (and generation_config.json for causal models), the fast tokenizer
// (tokenizer.json, tokenizer_config.json, special_tokens_map.json) with the original tokenizer.model,
// and a README.md model card. No LibTorch here.

#include <cstdint>
#include <string>

#include "util/progress.h"

namespace pretrain {

struct HfExportResult {
  std::string outDir, checkpoint;
  std::string architecture;  ///< "GPT2LMHeadModel" or "BertForMaskedLM"
  int64_t step = 0;
};

/// Exports the checkpoint of `step` (< 0: the latest) of the run in `runDir` to `outDir`, a new or empty
/// folder or an earlier export (it holds nothing else). The files are written beside it and put in its
/// place when all are done, so a failure changes nothing there. Throws InputError (no run, no such
/// checkpoint, a folder holding something else, a model the architecture cannot express), IoError.
HfExportResult exportHuggingFace(const std::string& runDir, const std::string& outDir, int64_t step = -1,
                                 const ProgressFn& progress = {});

}  // namespace pretrain
