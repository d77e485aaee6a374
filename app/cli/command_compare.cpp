// pretrain compare: two models on one prompt (two runs, or two steps of one run): their next pieces, the
// KL divergence between them and each one's surprise at every piece of the prompt. The studio's A/B
// Playground shows the same.
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/arg_parser.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "infer/comparison.h"
#include "infer/predictor.h"
#include "run/open_run.h"

namespace pretrain::cli {
namespace {

nlohmann::json candidatesJson(const std::vector<TokenCandidate>& candidates) {
  nlohmann::json out = nlohmann::json::array();
  for (const TokenCandidate& c : candidates)
    out.push_back({{"id", c.id}, {"text", c.text}, {"prob", c.prob}});
  return out;
}

}  // namespace

int runCompare(const Args& args) {
  ArgParser p(
      "pretrain compare --run RUN_DIR [--step N] [--run-b RUN_DIR] [--step-b N] --prompt TEXT [--json]",
      "Two models on one prompt: A (--run at --step) and B (--run-b at --step-b; the same run by\n"
      "default, so --step-b alone compares two steps of one run). Prints each one's likeliest next\n"
      "pieces, the KL divergence KL(A || B) of their next-piece distributions in bits, and each\n"
      "one's surprise (bits) at every piece of the prompt. Both must use the same tokenizer.");
  p.required("run", "RUN_DIR", "model A's run folder");
  p.option("step", "N", "model A's step (a checkpoint's or a snapshot's); default: the latest checkpoint");
  p.option("run-b", "RUN_DIR", "model B's run folder; default: --run");
  p.option("step-b", "N", "model B's step; default: the latest checkpoint");
  p.required("prompt", "TEXT", "the text both read");
  p.option("top-k", "K", "next pieces to list for each", "5");
  p.flag("json", "print one JSON object instead of text");
  if (!p.parseOrPrintHelp(args)) return 0;
  const auto step = [&p](const char* name) { return p.given(name) ? p.integer(name, 0, INT64_MAX) : -1; };
  const auto a = openRunPredictor(p.value("run"), step("step"));
  const auto b = openRunPredictor(p.given("run-b") ? p.value("run-b") : p.value("run"), step("step-b"));
  const NextComparison c = compareNext(*a, *b, p.value("prompt"), int(p.integer("top-k", 1, 100)));
  if (p.isSet("json")) {
    nlohmann::json pieces = nlohmann::json::array();
    for (const PieceSurprise& s : c.pieces)
      pieces.push_back({{"id", s.id}, {"text", s.text}, {"bits_a", s.bitsA}, {"bits_b", s.bitsB}});
    std::cout << nlohmann::json{{"kl_bits", c.klBits},
                                {"a", candidatesJson(c.a)},
                                {"b", candidatesJson(c.b)},
                                {"pieces", pieces}}
                     .dump()
              << "\n";
    return 0;
  }
  std::printf("KL(A || B) of the next piece: %.4f bits\n", c.klBits);
  for (size_t i = 0; i < c.a.size() || i < c.b.size(); ++i) {
    const auto cell = [](const std::vector<TokenCandidate>& v, size_t at) {
      return at < v.size() ? candidateLabel(v[at].text, v[at].piece) + " " + formatPercent(v[at].prob) : "";
    };
    std::printf("%s%s\n", padRight("A: " + cell(c.a, i), 28).c_str(), ("B: " + cell(c.b, i)).c_str());
  }
  std::printf("surprise per piece (bits, A / B):");
  for (const PieceSurprise& s : c.pieces) std::printf("  %s %.1f/%.1f", s.text.c_str(), s.bitsA, s.bitsB);
  std::printf("\n");
  return 0;
}

}  // namespace pretrain::cli
