#pragma once
// Where the parts loaded at run time live: the SentencePiece module and the tokenizer-training helper sit
// next to the executables in the build tree, and in <prefix>/lib/pretrain-studio once installed.

#include <string>

namespace pretrain {

/// Folder of the running executable.
std::string executableDir();

/// Full path of a runtime file `name`: $PRETRAIN_LIBEXEC_DIR, then the executable's folder, then
/// ../lib/pretrain-studio beside it. Throws Error listing the places looked in when none has it.
std::string findRuntimeFile(const std::string& name);

}  // namespace pretrain
