// pretrain encode: how a tokenizer splits a text, for eyeballing.
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/format.h"
#include "settings/arg_parser.h"
#include "tokenizer/tokenize_corpus.h"
#include "tokenizer/tokenizer.h"
#include "util/error.h"

namespace pretrain::cli {

int runEncode(const Args& args) {
  ArgParser p("pretrain encode --tokenizer DIR --text TEXT [--json]",
              "Prints the pieces and ids a tokenizer gives a text, and the text decoded back from the ids.");
  p.required("tokenizer", "DIR", "a folder written by 'pretrain tokenize' (or a tokenizer.model file)");
  p.required("text", "TEXT", "the text to encode");
  p.flag("json", "print one JSON object instead of text");
  if (!p.parseOrPrintHelp(args)) return 0;
  const std::string where = p.value("tokenizer");
  const std::string model = std::filesystem::is_directory(where) ? tokenizerModelPath(where) : where;
  const auto tok = Tokenizer::load(model);
  const std::string text = p.value("text");
  if (text.empty()) throw InputError("the text is empty");
  const std::vector<int32_t> ids = tok->encode(text);
  const std::string decoded = tok->decode(ids);

  if (p.isSet("json")) {
    nlohmann::json pieces = nlohmann::json::array();
    for (const int32_t id : ids) pieces.push_back(tok->piece(id));
    const nlohmann::json j = {{"text", text},
                              {"ids", ids},
                              {"pieces", pieces},
                              {"decoded", decoded},
                              {"round_trip", decoded == text}};
    std::cout << j.dump() << "\n";
    return 0;
  }
  std::cout << ids.size() << " tokens\n";
  for (const int32_t id : ids)
    std::printf("  %s %d\n", padRight("\"" + tok->piece(id) + "\"", 20).c_str(), id);
  std::cout << "decoded: " << decoded << (decoded == text ? "  (identical)" : "  (differs from the input)")
            << "\n";
  return 0;
}

}  // namespace pretrain::cli
