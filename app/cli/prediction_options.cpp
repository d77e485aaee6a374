#include "cli/prediction_options.h"

#include <cstdint>

#include "infer/predictor.h"
#include "run/open_run.h"

namespace pretrain::cli {

bool parsePredictionOptions(ArgParser& p, const Args& args) {
  p.required("run", "RUN_DIR", "a run folder written by 'pretrain train' or the studio");
  p.option("step", "N",
           "the model as it was at this step: a checkpoint's or a snapshot's ('pretrain snapshots' lists "
           "them); default: the latest checkpoint");
  p.flag("json", "print one JSON object instead of text");
  return p.parseOrPrintHelp(args);
}

std::unique_ptr<Predictor> openPredictor(const ArgParser& p) {
  return openRunPredictor(p.value("run"), p.given("step") ? p.integer("step", 0, INT64_MAX) : -1);
}

}  // namespace pretrain::cli
