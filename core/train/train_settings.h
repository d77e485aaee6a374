#pragma once
// Every setting of TrainConfig, once: one row each, with its flag, help, range and config.json key; the
// default is the struct's. Parsing and --help (settings/train_options.h), TOML, --print-config and the
// copied command (run/train_flags.h), the resume check, config.json (TrainConfig::toJson/fromJson),
// validation and the Train page's ranges all read it. Adding a setting: a member of TrainConfig, a row in
// train_settings.cpp, and the code that uses it. Plain C++ (no LibTorch).

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <variant>
#include <vector>

#include "train/train_config.h"

namespace pretrain {

/// What going on with a run (a resume) may do to a setting.
enum class OnResume {
  Fixed,      ///< Changes what the run learns: a resume must keep it.
  Changes,    ///< The run's from now on (written to its config.json): its length, how often it saves.
  PerProcess  ///< This process's alone, never written to the run (where it runs, its threads).
};

struct TrainSetting {
  /// The member this row reads and writes: one of these accessors, chosen by the member's type.
  using Field = std::variant<int& (*)(TrainConfig&), int64_t& (*)(TrainConfig&), uint64_t& (*)(TrainConfig&),
                             double& (*)(TrainConfig&), bool& (*)(TrainConfig&), std::string& (*)(TrainConfig&)>;

  const char* flag = "";       ///< `--flag` without the dashes; "" for a setting without (config.json only).
  const char* json = "";       ///< Its key in config.json's "train" object, "group.key" for a nested one.
  const char* valueName = "";  ///< The flag's value in --help ("N", "X"); "" for a switch.
  const char* help = "";
  Field field;
  double min = 0, max = 0;           ///< A number's range, both ends allowed.
  std::vector<std::string> choices;  ///< A text's allowed values.
  OnResume onResume = OnResume::Fixed;
  bool twinMayChange = false;  ///< A scratch twin may set it (where and how it runs, not what it learns).
  bool fineTuneOnly = false;   ///< Only a fine-tuned run has it on the command line.
  bool since1 = true;          ///< In every config.json; false: a later addition, its default for older runs.

  bool isSwitch() const;
  bool isText() const;
  bool isWhole() const;  ///< A whole number; a number that is neither is a real one.
  bool hasFlag() const { return *flag != '\0'; }
  /// Its name for a person: the flag, or the JSON key for a setting without one.
  std::string name() const { return hasFlag() ? flag : json; }

  /// Its value in `c` as a flag writes it: "true"/"false", the shortest exact decimal, or the text.
  std::string text(const TrainConfig& c) const;
  /// The default, read from TrainConfig.
  std::string defaultText() const { return text(TrainConfig{}); }
  /// Sets a whole number, a real one, a switch or a text in `c` (each only for a row of its type); no
  /// range check.
  void setWhole(TrainConfig& c, long long value) const;
  void setReal(TrainConfig& c, double value) const;
  void setSwitch(TrainConfig& c, bool on) const;
  void setText(TrainConfig& c, const std::string& value) const;
  /// Copies this setting from `from` into `to`.
  void copy(const TrainConfig& from, TrainConfig& to) const;
  /// Throws InputError when `c`'s value is out of range or not a choice.
  void check(const TrainConfig& c) const;
  /// Writes `c`'s value under its key in `train` (config.json's "train" object).
  void toJson(const TrainConfig& c, nlohmann::json& train) const;
  /// Reads it from `train` into `c`: a missing key leaves the default for a later addition and throws
  /// nlohmann::json::exception for one of the first format, as does a value of the wrong type.
  void fromJson(const nlohmann::json& train, TrainConfig& c) const;
};

/// Every row, in the order --help, TOML and the copied command list them.
const std::vector<TrainSetting>& trainSettings();
/// The row of the flag (or JSON key, for one without); throws std::logic_error for no such row.
const TrainSetting& trainSetting(const std::string& name);

}  // namespace pretrain
