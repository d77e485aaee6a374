// pretrain export: a run's model in the Hugging Face layout, for `transformers` and the Hub.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/progress_line.h"
#include "export/hf_export.h"
#include "settings/arg_parser.h"

namespace pretrain::cli {

int runExport(const Args& args) {
  ArgParser p("pretrain export --run RUN_DIR --out DIR [--step N] [--json]",
              "Writes a run's model where Hugging Face transformers loads it with from_pretrained(DIR):\n"
              "model.safetensors and config.json (GPT2LMHeadModel for next-word runs, BertForMaskedLM for\n"
              "masked ones), the fast tokenizer (tokenizer.json) with the original tokenizer.model, and a\n"
              "README.md model card. DIR must be new, empty, or an earlier export.");
  p.required("run", "RUN_DIR", "a run folder written by 'pretrain train' or the studio");
  p.required("out", "DIR", "the folder to write");
  p.option("step", "N", "export the checkpoint of this step (default: the latest)");
  p.flag("json", "print one JSON object instead of text");
  if (!p.parseOrPrintHelp(args)) return 0;
  const bool json = p.isSet("json");
  ProgressLine progress(json);
  const HfExportResult r =
      exportHuggingFace(p.value("run"), p.value("out"),
                        p.given("step") ? p.integer("step", 0, INT64_MAX) : -1, progress.callback());
  progress.finish();
  if (json) {
    std::cout << nlohmann::json{{"out", r.outDir},
                                {"checkpoint", r.checkpoint},
                                {"step", r.step},
                                {"architecture", r.architecture}}
                     .dump()
              << "\n";
    return 0;
  }
  std::printf("exported step %lld (%s) as %s to %s\n", static_cast<long long>(r.step), r.checkpoint.c_str(),
              r.architecture.c_str(), r.outDir.c_str());
  return 0;
}

}  // namespace pretrain::cli
