// pretrain lens | attention: the views inside a run's model, for scripts and tests (the Playground shows
// the same): what each layer would predict, and where each head looks.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/candidate_json.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/prediction_options.h"
#include "infer/predictor.h"
#include "settings/arg_parser.h"
#include "tokenizer/tokenizer.h"

namespace pretrain::cli {
namespace {

nlohmann::json piecesJson(const Predictor& predictor, const std::vector<int32_t>& ids) {
  nlohmann::json pieces = nlohmann::json::array();
  for (const int32_t id : ids) pieces.push_back(predictor.tokenizer().piece(id));
  return pieces;
}

// Both views' --json: the pieces read, what each layer shows, and whether the prompt was cut.
void printViewJson(const Predictor& predictor, const std::vector<int32_t>& ids, const nlohmann::json& layers,
                   bool truncated) {
  std::cout << nlohmann::json{{"pieces", piecesJson(predictor, ids)},
                              {"layers", layers},
                              {"truncated", truncated}}
                   .dump()
            << "\n";
}

// Cells this wide in the text table: a piece and its probability.
constexpr size_t kCellWidth = 14;

}  // namespace

int runLens(const Args& args) {
  ArgParser p(
      "pretrain lens --run RUN_DIR --prompt TEXT [--step N] [--top-k K] [--json]",
      "The logit lens: at each layer, the residual stream read through the model's own output layer\n"
      "(the final LayerNorm and the tied embedding; a masked model's MLM head): what the model would\n"
      "predict at each position if it stopped there. The last layer is the model's own output. A\n"
      "masked model reads the prompt with a [MASK] appended, as 'next' does.");
  p.required("prompt", "TEXT", "the text to read");
  p.option("top-k", "K", "pieces per cell in --json (\"top\"); the cell itself is the first", "1");
  if (!parsePredictionOptions(p, args)) return 0;
  const auto predictor = openPredictor(p);
  const int topK = int(p.integer("top-k", 1, 100));
  const LensResult r = predictor->lens(p.value("prompt"), topK);
  if (p.isSet("json")) {
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& layer : r.layers) {
      nlohmann::json row = nlohmann::json::array();
      for (const auto& cell : layer) {
        nlohmann::json j = candidateJson(cell.front());
        if (topK > 1) {
          j["top"] = nlohmann::json::array();
          for (const auto& c : cell) j["top"].push_back(candidateJson(c));
        }
        row.push_back(j);
      }
      layers.push_back(row);
    }
    printViewJson(*predictor, r.ids, layers, r.truncated);
    return 0;
  }
  if (r.truncated) std::printf("(the prompt is longer than the context: its start was dropped)\n");
  std::printf("%-8s", "read");
  for (const int32_t id : r.ids)
    std::printf("%s", padRight(predictor->tokenizer().piece(id), kCellWidth).c_str());
  std::printf("\n");
  for (size_t l = 0; l < r.layers.size(); ++l) {
    std::printf("%-8s", ("layer " + std::to_string(l + 1)).c_str());
    for (const auto& cell : r.layers[l]) {
      const TokenCandidate& c = cell.front();
      const std::string label = candidateLabel(c.text, c.piece);
      std::printf("%s", padRight(label.substr(0, 8) + " " + formatPercent(c.prob, 0), kCellWidth).c_str());
    }
    std::printf("\n");
  }
  return 0;
}

int runAttention(const Args& args) {
  ArgParser p("pretrain attention --run RUN_DIR --prompt TEXT [--step N] [--json]",
              "The attention weights of every head of every layer over a prompt (its last " +
                  std::to_string(kMaxAttentionPieces) +
                  " pieces at most): in --json, layers[l].heads[h][query][key]; as text, each\n"
                  "head's average entropy and the piece each position attends to most.");
  p.required("prompt", "TEXT", "the text to read");
  if (!parsePredictionOptions(p, args)) return 0;
  const auto predictor = openPredictor(p);
  const AttentionResult r = predictor->attention(p.value("prompt"));
  if (p.isSet("json")) {
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& layer : r.layers) layers.push_back({{"heads", layer}});
    printViewJson(*predictor, r.ids, layers, r.truncated);
    return 0;
  }
  if (r.truncated) std::printf("(only the last %d pieces are shown)\n", int(r.ids.size()));
  const Tokenizer& tok = predictor->tokenizer();
  for (size_t l = 0; l < r.layers.size(); ++l)
    for (size_t h = 0; h < r.layers[l].size(); ++h) {
      std::string strongest;
      for (size_t q = 0; q < r.layers[l][h].size(); ++q) {
        const std::vector<float>& row = r.layers[l][h][q];
        const size_t k = size_t(std::max_element(row.begin(), row.end()) - row.begin());
        strongest += " " + tok.piece(r.ids[q]) + "→" + tok.piece(r.ids[k]);
      }
      std::printf("layer %zu head %zu: entropy %.2f bits;%s\n", l + 1, h + 1,
                  attentionEntropyBits(r.layers[l][h]), strongest.c_str());
    }
  return 0;
}

}  // namespace pretrain::cli
