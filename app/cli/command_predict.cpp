// pretrain next | fill | generate: what a trained run's model says, for eyeballing and scripting.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/candidate_json.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/prediction_options.h"
#include "infer/predictor.h"
#include "util/exact_number.h"
#include "settings/arg_parser.h"

namespace pretrain::cli {
namespace {

void printCandidates(const std::vector<TokenCandidate>& cs) {
  for (size_t i = 0; i < cs.size(); ++i)
    std::printf("  %2zu. %s %-8s %s\n", i + 1,
                padRight("\"" + candidateLabel(cs[i].text, cs[i].piece) + "\"", 18).c_str(),
                formatPercent(cs[i].prob).c_str(), ("(" + cs[i].piece + ")").c_str());
}

}  // namespace

int runNext(const Args& args) {
  ArgParser p(
      "pretrain next --run RUN_DIR --prompt TEXT [--top-k K] [--json]",
      "The model's distribution over the next token after a prompt (a masked model predicts a [MASK]\n"
      "appended to it).");
  p.required("prompt", "TEXT", "the text so far");
  p.option("top-k", "K", "how many candidates to show", "10");
  p.option("temperature", "T", "divides the logits before the softmax", "1.0");
  if (!parsePredictionOptions(p, args)) return 0;
  const auto predictor = openPredictor(p);
  const NextTokenResult r = predictor->next(p.value("prompt"), int(p.integer("top-k", 1, 1 << 20)),
                                            p.number("temperature", 0, 100));
  if (p.isSet("json")) {
    std::cout << nlohmann::json{{"candidates", candidatesJson(r.candidates)},
                                {"entropy_bits", r.entropyBits},
                                {"prompt_tokens", r.promptTokens},
                                {"truncated", r.truncated}}
                     .dump()
              << "\n";
    return 0;
  }
  if (r.truncated) std::printf("(the prompt is longer than the context: its start was dropped)\n");
  printCandidates(r.candidates);
  std::printf("entropy %.2f bits\n", r.entropyBits);
  return 0;
}

int runFill(const Args& args) {
  ArgParser p("pretrain fill --run RUN_DIR --text \"The quick [MASK] fox.\" [--top-k K] [--json]",
              "Candidates for each [MASK] in a text, filled most confident first. A masked model reads them\n"
              "directly; a causal model ranks candidates by the likelihood of the whole sentence.");
  p.required("text", "TEXT", "text with one or more [MASK]");
  p.option("top-k", "K", "how many candidates per mask", "5");
  if (!parsePredictionOptions(p, args)) return 0;
  const auto predictor = openPredictor(p);
  const auto masks = predictor->fill(p.value("text"), int(p.integer("top-k", 1, 1 << 20)));
  if (p.isSet("json")) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& m : masks)
      a.push_back({{"index", m.wordIndex}, {"candidates", candidatesJson(m.candidates)}});
    std::cout << nlohmann::json{{"masks", a}}.dump() << "\n";
    return 0;
  }
  for (const auto& m : masks) {
    std::printf("[MASK] at word %d:\n", m.wordIndex);
    printCandidates(m.candidates);
  }
  return 0;
}

int runGenerate(const Args& args) {
  ArgParser p("pretrain generate --run RUN_DIR --prompt TEXT [options]",
              "Continues a prompt token by token, printing as it goes. Stops at the end of a document.");
  p.required("prompt", "TEXT", "the text to continue");
  const GenerateOptions defaults;
  p.option("max-new-tokens", "N", "at most this many tokens", std::to_string(defaults.maxNewTokens));
  p.option("temperature", "T", "0 = always the most probable token", exactNumber(defaults.temperature));
  p.option("top-k", "K", "sample among the K most probable; 0 = all", std::to_string(defaults.topK));
  p.option("top-p", "P", "sample among the most probable tokens whose mass reaches P",
           exactNumber(defaults.topP));
  p.option("seed", "N", "random seed", "0");
  if (!parsePredictionOptions(p, args)) return 0;
  const auto predictor = openPredictor(p);
  GenerateOptions o;
  o.maxNewTokens = int(p.integer("max-new-tokens", 1, 1 << 20));
  o.temperature = p.number("temperature", 0, 100);
  o.topK = int(p.integer("top-k", 0, 1 << 24));
  o.topP = p.number("top-p", 0.0001, 1);
  o.seed = uint64_t(p.integer("seed", 0, 1LL << 62));
  const bool json = p.isSet("json");
  const std::string prompt = p.value("prompt");
  if (!json) std::fputs(prompt.c_str(), stdout);
  const std::string text = predictor->generate(prompt, o, [&](const GeneratedPiece& piece) {
    if (!json) {
      std::fputs(piece.text.c_str(), stdout);
      std::fflush(stdout);
    }
    return true;
  });
  if (json) std::cout << nlohmann::json{{"prompt", prompt}, {"text", text}}.dump();
  std::cout << "\n";
  return 0;
}

}  // namespace pretrain::cli
