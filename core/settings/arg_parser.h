#pragma once
// Options as `pretrain` subcommands take them, on a command line or from a settings file: declared once
// with their defaults and help, so parsing, validation and `--help` can never disagree. Below both front
// ends: the studio reads a settings file with the same parser, so a file means the same in both.

#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace pretrain {

/// A mistake in the command line itself; printed with a pointer to --help, exit status 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ArgParser {
 public:
  ArgParser(std::string usage, std::string summary);

  /// An optional option with a value (`--name VALUE` or `--name=VALUE`).
  void option(const std::string& name, const std::string& valueName, const std::string& help,
              const std::string& defaultValue = "", bool repeatable = false);
  /// An option that must be given.
  void required(const std::string& name, const std::string& valueName, const std::string& help,
                bool repeatable = false);
  /// An on/off switch (`--name`).
  void flag(const std::string& name, const std::string& help);

  /// What a settings file holds: option names (without "--") and their values ("true"/"false" for a switch).
  using Settings = std::map<std::string, std::vector<std::string>>;
  /// An option (`--name FILE`) naming a file of settings, which `read` reads: each counts as given, below
  /// whatever the command line gives. An unknown name, a list for a single value or a switch that is
  /// neither true nor false is a UsageError naming the file.
  void settingsFile(const std::string& name, const std::string& help,
                    std::function<Settings(const std::string& path)> read);

  /// Parses; returns false when --help was asked for (help() is then what to print). Throws UsageError.
  bool parse(const std::vector<std::string>& args);
  /// parse(), and on --help prints help() on stdout: false then means "done, exit 0".
  bool parseOrPrintHelp(const std::vector<std::string>& args);
  std::string help() const;

  bool given(const std::string& name) const;  ///< Whether the user wrote it (not just its default).
  bool isSet(const std::string& flagName) const;
  std::string value(const std::string& name) const;
  std::vector<std::string> values(const std::string& name) const;
  /// The value as an integer in [min, max]; throws UsageError naming the option otherwise.
  long long integer(const std::string& name, long long min, long long max) const;
  double number(const std::string& name, double min, double max) const;
  /// The value when it is one of `choices`; throws UsageError naming the option and them otherwise.
  std::string choice(const std::string& name, const std::vector<std::string>& choices) const;

 private:
  struct Spec {
    std::string name, valueName, help, defaultValue;
    bool isFlag = false, repeatable = false, required = false;
  };
  const Spec& spec(const std::string& name) const;
  void applySettingsFile();
  std::string where(const std::string& name) const;  // "--name", or "name in FILE" for a file's value.

  std::string m_usage, m_summary;
  std::vector<Spec> m_specs;
  std::map<std::string, std::vector<std::string>> m_values;
  std::string m_settingsOption;  // the option naming a settings file, if any
  std::function<Settings(const std::string&)> m_readSettings;
  std::set<std::string> m_fromFile;  // options whose value came from the settings file
};

}  // namespace pretrain
