#pragma once
// Numbers as text that reads back as the same number: settings in flags, TOML and messages.

#include <string>

namespace pretrain {

/// The shortest decimal text that reads back as exactly `x`.
std::string exactNumber(double x);

}  // namespace pretrain
