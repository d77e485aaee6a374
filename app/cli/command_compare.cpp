// pretrain compare: two runs (or two steps of one run): their race to a validation loss (what fine-tuning
// saves over training from random weights), and on a prompt their next pieces, the KL divergence between
// them and each one's surprise at every piece of the prompt. The studio's Compare page shows the same.
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/candidate_json.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "infer/comparison.h"
#include "infer/predictor.h"
#include "run/loss_race.h"
#include "run/open_run.h"
#include "settings/arg_parser.h"
#include "util/error.h"

namespace pretrain::cli {

int runCompare(const Args& args) {
  ArgParser p(
      "pretrain compare --run RUN_DIR [--step N] [--run-b RUN_DIR] [--step-b N] [--prompt TEXT] [--json]",
      "Two models: A (--run at --step) and B (--run-b at --step-b; the same run by default, so\n"
      "--step-b alone compares two steps of one run). Their race to a loss: the tokens each needed to\n"
      "reach A's validation bits per byte at a tenth of A's steps, and the ratio (a fine-tuned run\n"
      "against one from random weights: what pre-training saved). With --prompt, also each one's\n"
      "likeliest next pieces, the KL divergence KL(A || B) of their next-piece distributions in bits,\n"
      "and each one's surprise (bits) at every piece of the prompt (both must use the same tokenizer).");
  p.required("run", "RUN_DIR", "model A's run folder");
  p.option("step", "N", "model A's step (a checkpoint's or a snapshot's); default: the latest checkpoint");
  p.option("run-b", "RUN_DIR", "model B's run folder; default: --run");
  p.option("step-b", "N", "model B's step; default: the latest checkpoint");
  p.option("prompt", "TEXT", "a text both read: compare their predictions on it");
  p.option("top-k", "K", "next pieces to list for each", "5");
  p.flag("json", "print one JSON object instead of text");
  if (!p.parseOrPrintHelp(args)) return 0;
  const std::string runA = p.value("run"), runB = p.given("run-b") ? p.value("run-b") : runA;
  nlohmann::json out = nlohmann::json::object();
  std::optional<LossRace> race;
  try {
    race = raceToLoss(runA, runB);
  } catch (const InputError&) {
    if (!p.given("prompt")) throw;  // Nothing else to compare.
  }
  if (race) {
    const auto tokens = [](const std::optional<uint64_t>& t) {
      return t ? nlohmann::json(*t) : nlohmann::json();
    };
    out["race"] = {{"target_bits_per_byte", race->target},
                   {"target_step", race->targetStep},
                   {"tokens_a", tokens(race->tokensA)},
                   {"tokens_b", tokens(race->tokensB)},
                   {"ratio", race->ratio ? nlohmann::json(*race->ratio) : nlohmann::json()}};
  }
  std::optional<NextComparison> c;
  if (p.given("prompt")) {
    const auto step = [&p](const char* name) { return p.given(name) ? p.integer(name, 0, INT64_MAX) : -1; };
    const auto a = openRunPredictor(runA, step("step"));
    const auto b = openRunPredictor(runB, step("step-b"));
    c = compareNext(*a, *b, p.value("prompt"), int(p.integer("top-k", 1, 100)));
    nlohmann::json pieces = nlohmann::json::array();
    for (const PieceSurprise& s : c->pieces)
      pieces.push_back({{"id", s.id}, {"text", s.text}, {"bits_a", s.bitsA}, {"bits_b", s.bitsB}});
    out["kl_bits"] = c->klBits;
    out["a"] = candidatesJson(c->a);
    out["b"] = candidatesJson(c->b);
    out["pieces"] = pieces;
  }
  if (p.isSet("json")) {
    std::cout << out.dump() << "\n";
    return 0;
  }
  if (race) {
    const auto tokens = [](const std::optional<uint64_t>& t) {
      return t ? formatCount(*t) + " tokens" : std::string("not reached");
    };
    std::printf("race to A's validation loss at step %lld (%.4f bits per byte): A %s, B %s",
                static_cast<long long>(race->targetStep), race->target, tokens(race->tokensA).c_str(),
                tokens(race->tokensB).c_str());
    if (race->ratio) std::printf(" (B needed %.2fx A's tokens)", *race->ratio);
    std::printf("\n");
  }
  if (!c) return 0;
  std::printf("KL(A || B) of the next piece: %.4f bits\n", c->klBits);
  for (size_t i = 0; i < c->a.size() || i < c->b.size(); ++i) {
    const auto cell = [](const std::vector<TokenCandidate>& v, size_t at) {
      return at < v.size() ? candidateLabel(v[at].text, v[at].piece) + " " + formatPercent(v[at].prob) : "";
    };
    std::printf("%s%s\n", padRight("A: " + cell(c->a, i), 28).c_str(), ("B: " + cell(c->b, i)).c_str());
  }
  std::printf("surprise per piece (bits, A / B):");
  for (const PieceSurprise& s : c->pieces) std::printf("  %s %.1f/%.1f", s.text.c_str(), s.bitsA, s.bitsB);
  std::printf("\n");
  return 0;
}

}  // namespace pretrain::cli
