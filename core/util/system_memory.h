#pragma once
#include <cstdint>

namespace pretrain {
/// Memory the kernel says can be given to a new process without swapping (MemAvailable), 0 if unknown.
uint64_t availableMemoryBytes();
}  // namespace pretrain
