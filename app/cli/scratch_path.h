#pragma once
// Where commands put files they delete on the way out (hand the path to a ScratchDir).

#include <string>

namespace pretrain::cli {

/// `<temp>/pretrain-<name>-<process id>`: two commands running at once never share a scratch folder.
std::string scratchPath(const std::string& name);

}  // namespace pretrain::cli
