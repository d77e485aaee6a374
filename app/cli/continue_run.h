#pragma once
// One command line both starts a run and continues it: launchers and schedulers (torchrun --max-restarts,
// a batch queue) restart a job with the command it began with, so `pretrain train --corpus C --out R ...`
// goes on from R's latest checkpoint when R already holds the run, and starts it otherwise.

#include "run/training_run.h"
#include "settings/arg_parser.h"

namespace pretrain::cli {

/// Sets `o` to start a new run in --out, or to continue the one there (--resume asks for that, and then the
/// run must exist). Continuing takes the run's own settings: --steps sets its new length and --threads this
/// process's threads, while any other flag given must match the run's config.json. Throws UsageError (no
/// corpus for a new run) or InputError (no run to resume; a flag that contradicts the run, named with both
/// values).
void chooseNewOrContinue(const ArgParser& p, TrainingRunOptions& o);

}  // namespace pretrain::cli
