#pragma once
// How long-running engine work reports progress and is cancelled: the worker calls a callback with how far
// it is; the callback returns false to ask it to stop, and the work then throws pretrain::Cancelled.

#include <cstdint>
#include <functional>
#include <string>

#include "util/error.h"

namespace pretrain {

struct Progress {
  std::string stage;   ///< What is being done, e.g. "reading corpus", "training tokenizer".
  uint64_t done = 0;   ///< Units done in this stage (bytes, pieces, ...).
  uint64_t total = 0;  ///< Units in this stage; 0 when unknown.
  std::string unit;    ///< "bytes", "steps", ...: how to print done/total.
  std::string detail;  ///< Anything else worth a glance, e.g. "loss 3.21, 4,100 tokens/s".
};

/// Returns false to cancel. May be empty (no reporting). Called from the thread doing the work.
using ProgressFn = std::function<bool(const Progress&)>;

/// Calls `fn` if set and throws Cancelled when it asks to stop.
inline void reportProgress(const ProgressFn& fn, const Progress& p) {
  if (fn && !fn(p)) throw Cancelled();
}

}  // namespace pretrain
