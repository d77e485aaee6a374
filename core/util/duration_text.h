#pragma once
// Durations as people read them, for the command line's progress line and the studio's ETA alike.

#include <string>

namespace pretrain {

/// 3.2 -> "3.2s", 75 -> "1m15s", 7500 -> "2h05m"; "?" for a negative or non-finite value.
std::string formatDuration(double seconds);

}  // namespace pretrain
