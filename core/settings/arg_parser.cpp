#include "settings/arg_parser.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <sstream>

namespace pretrain {
namespace {

// Where --help starts the descriptions: room for "  --validation-fraction X"; longer names wrap.
constexpr size_t kHelpColumn = 30;

}  // namespace

ArgParser::ArgParser(std::string usage, std::string summary)
    : m_usage(std::move(usage)), m_summary(std::move(summary)) {
  flag("help", "show this help and exit");
}

void ArgParser::option(const std::string& name, const std::string& valueName, const std::string& help,
                       const std::string& defaultValue, bool repeatable) {
  m_specs.push_back({name, valueName, help, defaultValue, false, repeatable, false});
}

void ArgParser::required(const std::string& name, const std::string& valueName, const std::string& help,
                         bool repeatable) {
  m_specs.push_back({name, valueName, help + " (required)", "", false, repeatable, true});
}

void ArgParser::flag(const std::string& name, const std::string& help) {
  m_specs.push_back({name, "", help, "", true, false, false});
}

void ArgParser::settingsFile(const std::string& name, const std::string& help,
                             std::function<Settings(const std::string& path)> read) {
  option(name, "FILE", help);
  m_settingsOption = name;
  m_readSettings = std::move(read);
}

void ArgParser::applySettingsFile() {
  const std::string path = value(m_settingsOption);
  for (const auto& [name, values] : m_readSettings(path)) {
    const auto found =
        std::find_if(m_specs.begin(), m_specs.end(), [&](const Spec& s) { return s.name == name; });
    if (found == m_specs.end() || name == "help" || name == m_settingsOption)
      throw UsageError(path + ": unknown setting '" + name + "'");
    if (given(name)) continue;  // The command line wins.
    if (found->isFlag) {
      if (values.size() != 1 || (values[0] != "true" && values[0] != "false"))
        throw UsageError(path + ": " + name + " must be true or false");
      if (values[0] == "true") m_values[name] = {"1"};
    } else {
      if (values.size() != 1 && !found->repeatable)
        throw UsageError(path + ": " + name + " takes one value, not a list");
      m_values[name] = values;
    }
    m_fromFile.insert(name);
  }
}

std::string ArgParser::where(const std::string& name) const {
  return m_fromFile.count(name) ? name + " in " + value(m_settingsOption) : "--" + name;
}

const ArgParser::Spec& ArgParser::spec(const std::string& name) const {
  for (const auto& s : m_specs)
    if (s.name == name) return s;
  throw UsageError("unknown option --" + name);
}

bool ArgParser::parse(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) != 0) throw UsageError("unexpected argument '" + a + "'");
    std::string name = a.substr(2), value;
    const size_t eq = name.find('=');
    const bool inlineValue = eq != std::string::npos;
    if (inlineValue) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const Spec& s = spec(name);
    if (s.isFlag) {
      if (inlineValue) throw UsageError("--" + name + " takes no value");
      if (name == "help") return false;
      m_values[name] = {"1"};
      continue;
    }
    if (!inlineValue) {
      if (i + 1 >= args.size()) throw UsageError("--" + name + " needs a value (" + s.valueName + ")");
      value = args[++i];
    }
    auto& slot = m_values[name];
    if (!slot.empty() && !s.repeatable) throw UsageError("--" + name + " given twice");
    slot.push_back(value);
  }
  if (!m_settingsOption.empty() && given(m_settingsOption)) applySettingsFile();
  for (const auto& s : m_specs)
    if (s.required && !given(s.name)) throw UsageError("--" + s.name + " is required");
  return true;
}

bool ArgParser::parseOrPrintHelp(const std::vector<std::string>& args) {
  if (parse(args)) return true;
  std::cout << help();
  return false;
}

std::string ArgParser::help() const {
  std::ostringstream out;
  out << "usage: " << m_usage << "\n\n" << m_summary << "\n\noptions:\n";
  for (const auto& s : m_specs) {
    std::string left = "  --" + s.name + (s.isFlag ? "" : " " + s.valueName);
    if (left.size() < kHelpColumn)
      left.resize(kHelpColumn, ' ');
    else
      left += "\n" + std::string(kHelpColumn, ' ');
    out << left << s.help;
    if (!s.defaultValue.empty()) out << " [default: " << s.defaultValue << "]";
    out << "\n";
  }
  return out.str();
}

bool ArgParser::given(const std::string& name) const { return m_values.count(name) > 0; }
bool ArgParser::isSet(const std::string& flagName) const { return given(flagName); }

std::string ArgParser::value(const std::string& name) const {
  const auto it = m_values.find(name);
  return it != m_values.end() ? it->second.back() : spec(name).defaultValue;
}

std::vector<std::string> ArgParser::values(const std::string& name) const {
  const auto it = m_values.find(name);
  return it != m_values.end() ? it->second : std::vector<std::string>{};
}

long long ArgParser::integer(const std::string& name, long long min, long long max) const {
  const std::string v = value(name);
  char* end = nullptr;
  errno = 0;
  const long long n = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || errno == ERANGE || n < min || n > max)
    throw UsageError(where(name) + " must be a whole number from " + std::to_string(min) + " to " +
                     std::to_string(max) + ", not '" + v + "'");
  return n;
}

double ArgParser::number(const std::string& name, double min, double max) const {
  const std::string v = value(name);
  char* end = nullptr;
  const double x = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || !std::isfinite(x) || x < min || x > max) {
    std::ostringstream msg;
    msg << where(name) << " must be a number from " << min << " to " << max << ", not '" << v << "'";
    throw UsageError(msg.str());
  }
  return x;
}

std::string ArgParser::choice(const std::string& name, const std::vector<std::string>& choices) const {
  const std::string v = value(name);
  std::string list;
  for (const std::string& c : choices) {
    if (v == c) return v;
    list += (list.empty() ? "" : ", ") + c;
  }
  throw UsageError(where(name) + " must be one of " + list + ", not '" + v + "'");
}

}  // namespace pretrain
