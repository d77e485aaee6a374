#include "settings/config_file.h"

#include <fstream>
#include <sstream>

// Header-only: the one file that parses TOML, so no library to link (or carry to a GPU machine).
#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 1
#include <toml++/toml.h>

#include "run/run_folder.h"
#include "run/train_flags.h"
#include "util/exact_number.h"
#include "util/error.h"

namespace pretrain {
namespace {

// A scalar's text as a flag would take it; false for anything else.
bool scalarText(const toml::node& node, std::string& out) {
  if (const auto* s = node.as_string()) {
    out = s->get();
  } else if (const auto* i = node.as_integer()) {
    out = std::to_string(i->get());
  } else if (const auto* f = node.as_floating_point()) {
    out = exactNumber(f->get());
  } else if (const auto* b = node.as_boolean()) {
    out = b->get() ? "true" : "false";
  } else {
    return false;
  }
  return true;
}

ArgParser::Settings fromToml(const std::string& text, const std::string& path) {
  toml::table table;
  try {
    table = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    throw InputError(path + ":" + std::to_string(e.source().begin.line) + ":" +
                     std::to_string(e.source().begin.column) + ": " + std::string(e.description()));
  }
  ArgParser::Settings out;
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    std::vector<std::string>& values = out[name];
    std::string value;
    if (scalarText(node, value)) {
      values.push_back(value);
      continue;
    }
    const auto* list = node.as_array();
    bool ok = list != nullptr;
    if (list)
      for (const toml::node& item : *list) {
        ok = ok && scalarText(item, value);
        values.push_back(value);
      }
    if (!ok)
      throw UsageError(path + ": " + name + " must be a text, a number, true or false, or a list of them");
  }
  return out;
}

// A run's config.json: the flags that would start that run again.
ArgParser::Settings fromRunConfig(const std::string& text, const std::string& path) {
  ArgParser::Settings out;
  for (const TrainFlag& f : trainFlags(parseRunConfig(text, path))) out[f.name] = f.values;
  return out;
}

}  // namespace

ArgParser::Settings readConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read config file " + path + ": " + systemErrorText());
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  const size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string::npos && text[first] == '{' ? fromRunConfig(text, path) : fromToml(text, path);
}

}  // namespace pretrain
