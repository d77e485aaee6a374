#pragma once
// Reading `pretrain train --config FILE`: a TOML file of settings named as the flags are (`steps = 300`,
// `corpus = ["data/brown"]`, `whole-word = true`), or a run's config.json, read as the flags that would start
// that run again.

#include <string>

#include "settings/arg_parser.h"

namespace pretrain {

/// The settings in `path`, as text. Throws InputError when it cannot be read or parsed (with the line and
/// column for TOML), UsageError for a value of a kind no flag takes (a table, a date, a nested list).
ArgParser::Settings readConfigFile(const std::string& path);

}  // namespace pretrain
