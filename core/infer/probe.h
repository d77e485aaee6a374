#pragma once
// Probes: facts a person wants to watch the model learn ("I love to eat pizza with" -> "cheese", "The
// quick [MASK] fox ..." -> "brown"). Each evaluation during training records every probe's target
// probability and rank, so a plot shows when the model learns each fact. A run keeps its probes in
// probes.json and their history in probes.jsonl (run/probe_json.h). No LibTorch here.

#include <cstdint>
#include <string>
#include <vector>

namespace pretrain {

class Predictor;

struct Probe {
  std::string text;    ///< A prompt (next word), or a sentence with one [MASK] (masked word).
  std::string target;  ///< The word it should give.

  bool masked() const;
  /// "I love to eat pizza with → cheese".
  std::string label() const;
  /// Throws InputError: empty text or target, or a sentence with more than one [MASK].
  void validate() const;
  bool operator==(const Probe& o) const { return text == o.text && target == o.target; }
};

struct ProbeResult {
  int64_t step = 0;
  int probe = 0;    ///< Index into the run's probes.
  double prob = 0;  ///< Of the target.
  int rank = 0;     ///< Of the target among the candidates (1 = the model's first choice; 0 = not ranked).
};

/// `TEXT=>TARGET` (the command line's form). Throws InputError.
Probe parseProbe(const std::string& spec);

/// One result per probe; a probe that no longer fits the model (too long for its context) is skipped.
std::vector<ProbeResult> evaluateProbes(const Predictor& predictor, const std::vector<Probe>& probes,
                                        int64_t step);

/// Where in the network the model knows each probe, by the logit lens (Predictor::lens): the first layer
/// (1-based; the last is the model's output) whose reading puts the target's first piece first at the
/// place it is predicted (after a prompt; at a masked model's [MASK]), 0 when no layer does. -1 for a probe
/// the lens does not read: a masked-word probe of a causal model (whose fill weighs the right context,
/// which the lens does not see), or one longer than the context.
std::vector<int> probeTopLayers(const Predictor& predictor, const std::vector<Probe>& probes);

}  // namespace pretrain
