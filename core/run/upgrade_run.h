#pragma once
// Converting a run saved by an earlier version (checkpoint format 1: LibTorch's archive, step-N.pt) to
// today's checkpoints (format 2: safetensors, train/checkpoint.h). Reading format 1 runs LibTorch's
// TorchScript importer on the file, so this is done only when the person asks for it, on a run they trust
// (`pretrain upgrade-run`); opening such a run otherwise is refused with a message that says so.
// No LibTorch here.

#include <functional>
#include <string>

namespace pretrain {

/// Converts every format-1 checkpoint of `runDir` that loads, holding the run's lock meanwhile: each is
/// written anew as step-N.safetensors, read back, and only then removed (with its checksum). A damaged
/// one is reported through `onNote` and left where it is. Returns how many were converted. Throws
/// InputError when there is no run or nothing to convert, or none of them loads.
int upgradeRun(const std::string& runDir, const std::function<void(const std::string&)>& onNote = {});

}  // namespace pretrain
