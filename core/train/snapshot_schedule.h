#pragma once
// When a run keeps a light snapshot of its weights for the timeline (the Playground's step slider): at
// step 0, at every power of two up to 512, then every `every` steps, as the Pythia suite does. Early
// training changes fastest, so the early steps are densest. No LibTorch here.

#include <cstdint>

namespace pretrain {

constexpr int64_t kLogSpacedSnapshotsUpTo = 512;

inline bool isSnapshotStep(int64_t step, int64_t every) {
  if (step == 0) return true;
  if (step > 0 && step <= kLogSpacedSnapshotsUpTo && (step & (step - 1)) == 0) return true;
  return every > 0 && step > 0 && step % every == 0;
}

}  // namespace pretrain
