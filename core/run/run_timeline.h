#pragma once
// A run's model along its timeline: the weights at each step the run keeps (snapshots and checkpoints),
// for moving back and forth through training. The tokenizer is loaded once, and the last few models are
// kept loaded, so that going back to a step just seen costs nothing; a new step reads its weights into the
// model of the one it evicts when nobody else uses that one (a new model's random initialisation would
// cost twice the reading). Not thread-safe: one thread asks (the studio's loader thread,
// or a command). No LibTorch here.

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "run/run_folder.h"

namespace pretrain {

class LanguageModel;
class Predictor;
class Tokenizer;

class RunTimeline {
 public:
  /// Throws InputError: no run there, or its tokenizer is missing, damaged or not the run's.
  explicit RunTimeline(const std::string& runDir);
  ~RunTimeline();

  const std::string& dir() const { return m_run.dir(); }
  /// The steps whose weights the run keeps now, oldest first (the folder is read each time: a run being
  /// trained gains steps).
  std::vector<int64_t> steps() const { return m_run.timelineSteps(); }
  /// The model at `step` (openRunModel's rules), from the cache when it is there. Throws InputError.
  std::shared_ptr<const Predictor> predictorAt(int64_t step);
  /// Whether the model at `step` is loaded (predictorAt() then reads no file).
  bool cached(int64_t step) const;
  /// How many models are kept loaded: enough for a person's back-and-forth around a step, few enough that
  /// a `base` model's copies stay far below a gigabyte.
  static constexpr size_t kCacheSize = 8;

 private:
  RunFolder m_run;
  std::shared_ptr<const Tokenizer> m_tokenizer;
  struct Loaded {
    int64_t step;
    std::shared_ptr<LanguageModel> model;  // The predictor's, kept to be reused once it is evicted.
    std::shared_ptr<const Predictor> predictor;
  };
  std::list<Loaded> m_cache;  // Most recently used first.
};

}  // namespace pretrain
