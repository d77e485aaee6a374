#include "run/run_timeline.h"

#include <algorithm>

#include "infer/predictor.h"
#include "run/open_run.h"
#include "tokenizer/tokenizer.h"

namespace pretrain {

RunTimeline::RunTimeline(const std::string& runDir)
    : m_run(runDir), m_tokenizer(loadRunTokenizer(m_run, m_run.readConfig())) {}

RunTimeline::~RunTimeline() = default;

bool RunTimeline::cached(int64_t step) const {
  return std::any_of(m_cache.begin(), m_cache.end(), [&](const Loaded& l) { return l.step == step; });
}

std::shared_ptr<const Predictor> RunTimeline::predictorAt(int64_t step) {
  for (auto it = m_cache.begin(); it != m_cache.end(); ++it) {
    if (it->step != step) continue;
    m_cache.splice(m_cache.begin(), m_cache, it);
    return it->predictor;
  }
  std::shared_ptr<LanguageModel> spare;
  if (m_cache.size() >= kCacheSize) {
    Loaded& oldest = m_cache.back();
    // Only this cache holds it (no view, no other thread): its model is free to take the new weights.
    if (oldest.predictor.use_count() == 1) {
      oldest.predictor.reset();
      spare = std::move(oldest.model);
    }
    m_cache.pop_back();
  }
  // The latest (step < 0): whatever the run kept newest, a snapshot where it has no checkpoint yet.
  RunModel m = openRunModel(m_run.dir(), step < 0 ? kNewestKept : step, m_tokenizer, std::move(spare));
  auto predictor = std::make_shared<const Predictor>(m.model, m.tokenizer);
  m_cache.push_front({step, m.model, predictor});
  return predictor;
}

}  // namespace pretrain
