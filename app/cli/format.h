#pragma once
// Numbers as people read them on a terminal.

#include <cstdint>
#include <string>

#include "util/duration_text.h"  // formatDuration, shared with the studio

namespace pretrain::cli {

using pretrain::formatDuration;

std::string formatCount(uint64_t n);    ///< 1234567 -> "1,234,567"
std::string formatBytes(double bytes);  ///< 6291456 -> "6.0 MB" (decimal units, like file managers)
std::string formatPercent(double fraction, int decimals = 1);
/// How a candidate token is shown: its text, or its piece when the text is only white space ("▁").
std::string candidateLabel(const std::string& text, const std::string& piece);
/// `s` padded with spaces to `width` characters (UTF-8 aware: "▁the" is four characters, not six bytes).
std::string padRight(const std::string& s, size_t width);

}  // namespace pretrain::cli
