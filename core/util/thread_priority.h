#pragma once
// Background work that should yield the processor to interactive work: the studio's training thread runs
// at a lower priority so that the Playground's predictions (and the window) get the cores first.

namespace pretrain {

/// Raises the calling thread's nice value to `niceness` (Linux nice values are per thread, and threads it
/// starts later, such as its OpenMP pool, inherit it). Returns false where the system refuses.
bool lowerThreadPriority(int niceness = 19);

}  // namespace pretrain
