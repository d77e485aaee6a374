// pretrain upgrade-run: converts a run saved by an earlier version to today's checkpoint format, on the
// word of its owner that the run is to be trusted (run/upgrade_run.h says why it takes that word).
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "run/upgrade_run.h"
#include "settings/arg_parser.h"

namespace pretrain::cli {

int runUpgradeRun(const Args& args) {
  ArgParser p("pretrain upgrade-run --run RUN_DIR [--json]",
              "Converts the checkpoints of a run saved by an earlier version (LibTorch's archive format,\n"
              "step-N.pt) to safetensors (step-N.safetensors), which the studio and the other commands\n"
              "read. Reading the old format runs what the file describes: convert only runs you trust.\n"
              "Each checkpoint is removed only after its new copy has been written and read back.");
  p.required("run", "RUN_DIR", "the run folder to convert");
  p.flag("json", "print one JSON object instead of text");
  if (!p.parseOrPrintHelp(args)) return 0;
  const bool json = p.isSet("json");
  const int converted = upgradeRun(p.value("run"), [&](const std::string& note) {
    if (!json) std::printf("%s\n", note.c_str());
  });
  if (json)
    std::cout << nlohmann::json{{"converted", converted}}.dump() << "\n";
  else
    std::printf("%d checkpoint(s) converted; the run opens as before\n", converted);
  return 0;
}

}  // namespace pretrain::cli
