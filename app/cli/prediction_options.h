#pragma once
// The options every command that asks a run's model has (next, fill, generate, lens, attention): the run,
// the step whose model answers, and --json.

#include <memory>

#include "cli/commands.h"
#include "settings/arg_parser.h"

namespace pretrain {
class Predictor;
}

namespace pretrain::cli {

/// Declares --run, --step and --json, then parses; returns false when --help was asked for (printed).
bool parsePredictionOptions(ArgParser& p, const Args& args);

/// The run's model at --step, or at its latest checkpoint.
std::unique_ptr<Predictor> openPredictor(const ArgParser& p);

}  // namespace pretrain::cli
