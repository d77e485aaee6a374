// pretrain snapshots: the steps of a run's timeline (its bf16 snapshots), which --step of next, fill and
// generate can show.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "run/run_folder.h"
#include "settings/arg_parser.h"

namespace pretrain::cli {

int runSnapshots(const Args& args) {
  ArgParser p(
      "pretrain snapshots --run RUN_DIR [--json]",
      "Lists the steps at which a run kept a snapshot of its weights (steps 0, 1, 2, 4, ... 512, then\n"
      "every --snapshot-every steps, within --snapshot-budget-mb), and the space they take.");
  p.required("run", "RUN_DIR", "a run folder written by 'pretrain train' or the studio");
  p.flag("json", "print one JSON object instead of text");
  if (!p.parseOrPrintHelp(args)) return 0;
  const RunFolder run(p.value("run"));
  run.readConfig();  // A run folder, not any folder.
  std::vector<int64_t> steps;
  for (const std::string& s : run.snapshots()) steps.push_back(stepOfFile(s));
  const uint64_t bytes = run.snapshotBytes();
  if (p.isSet("json")) {
    std::cout << nlohmann::json{{"steps", steps}, {"bytes", bytes}}.dump() << "\n";
    return 0;
  }
  std::printf("%zu snapshot(s), %.1f MB", steps.size(), double(bytes) / 1e6);
  for (size_t i = 0; i < steps.size(); ++i)
    std::printf("%s%lld", i ? ", " : ": steps ", static_cast<long long>(steps[i]));
  std::printf("\n");
  return 0;
}

}  // namespace pretrain::cli
