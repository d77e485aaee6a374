#include "infer/probe.h"

#include <algorithm>

#include "data/special_tokens.h"
#include "infer/predictor.h"
#include "util/error.h"

namespace pretrain {
namespace {
bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }
}  // namespace

bool Probe::masked() const { return text.find(kMaskText) != std::string::npos; }

std::string Probe::label() const { return text + " \xE2\x86\x92 " + target; }

void Probe::validate() const {
  if (blank(text)) throw InputError("a probe needs a prompt or a sentence with [MASK]");
  if (blank(target)) throw InputError("a probe needs the word it should give");
  if (masked() && text.find(kMaskText, text.find(kMaskText) + 1) != std::string::npos)
    throw InputError("a probe's sentence may hold only one [MASK]");
}

Probe parseProbe(const std::string& spec) {
  const size_t arrow = spec.rfind("=>");
  if (arrow == std::string::npos)
    throw InputError("a probe is written TEXT=>TARGET, e.g. \"I love to eat pizza with=>cheese\"; got \"" +
                     spec + "\"");
  Probe p{spec.substr(0, arrow), spec.substr(arrow + 2)};
  p.validate();
  return p;
}

std::vector<ProbeResult> evaluateProbes(const Predictor& predictor, const std::vector<Probe>& probes,
                                        int64_t step) {
  std::vector<ProbeResult> out;
  for (size_t i = 0; i < probes.size(); ++i) {
    try {
      const Probe& p = probes[i];
      const WordProbability w = p.masked() ? predictor.maskedProbabilityOf(p.text, p.target)
                                           : predictor.probabilityOf(p.text, p.target);
      out.push_back({step, int(i), w.prob, w.rank});
    } catch (const InputError&) {
      // Longer than the model's context: nothing to record; the probe list said so when it was made.
    }
  }
  return out;
}

std::vector<int> probeTopLayers(const Predictor& predictor, const std::vector<Probe>& probes) {
  std::vector<int> out;
  for (const Probe& p : probes) {
    int layer = -1;
    try {
      if (!p.masked() || predictor.config().objective == Objective::Masked) {
        const LensResult lens = predictor.lens(p.text, 1, p.target);
        const auto mask = std::find(lens.ids.begin(), lens.ids.end(), SpecialTokens::kMask);
        const size_t at = mask != lens.ids.end() ? size_t(mask - lens.ids.begin()) : lens.ids.size() - 1;
        layer = 0;
        for (size_t l = 0; l < lens.word.size() && layer == 0; ++l)
          if (lens.word[l][at].rank == 1) layer = int(l) + 1;
      }
    } catch (const InputError&) {
      // Longer than the context: not read.
    }
    out.push_back(layer);
  }
  return out;
}

}  // namespace pretrain
