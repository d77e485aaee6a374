// The settings table (train/train_settings.h) and every form it drives: config.json, validation, the
// command line and its --help, TOML, the copied command. Each row is changed alone to a value other than
// its default, so a row that reads the wrong member, or a form that drops a row, shows as that row's name.

#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "run/train_flags.h"
#include "settings/config_file.h"
#include "settings/train_options.h"
#include "train/train_settings.h"
#include "util/error.h"

using namespace pretrain;

namespace {

// `t` with `s` moved off its value to another valid one: a switch flipped, another choice, a whole number
// one step towards its range's inside, a real one half way to its minimum (or maximum).
TrainConfig withOtherValue(const TrainSetting& s, TrainConfig t = {}) {
  if (s.isSwitch()) {
    s.setSwitch(t, s.text(t) != "true");
  } else if (s.isText()) {
    s.setText(t, s.choices.at(s.choices.at(0) == s.text(t) ? 1 : 0));
  } else if (s.isWhole()) {
    const long long v = std::stoll(s.text(t));
    s.setWhole(t, v > s.min ? v - 1 : v + 1);
  } else {
    const double v = std::stod(s.text(t));
    s.setReal(t, v > s.min ? (v + s.min) / 2 : (v + s.max) / 2);
  }
  return t;
}

// The row's name of each setting whose value differs between `a` and `b`.
QStringList differences(const TrainConfig& a, const TrainConfig& b) {
  QStringList out;
  for (const TrainSetting& s : trainSettings())
    if (s.text(a) != s.text(b)) out << QString::fromStdString(s.name());
  return out;
}

QString errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return QString::fromUtf8(e.what());
  }
  return {};
}

}  // namespace

class TstTrainSettings : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void eachRowIsAMemberOfItsOwn() {
    QSet<QString> names, keys;
    for (const TrainSetting& s : trainSettings()) {
      const QString name = QString::fromStdString(s.name());
      QVERIFY2(!names.contains(name) && !keys.contains(s.json), qPrintable(name));
      names << name;
      keys << s.json;
      QCOMPARE(differences(TrainConfig{}, withOtherValue(s)), QStringList{name});
    }
  }

  void configJsonHoldsEveryRow() {
    for (const TrainSetting& s : trainSettings()) {
      const TrainConfig t = withOtherValue(s);
      QVERIFY2(differences(TrainConfig::fromJson(t.toJson()), t).isEmpty(), s.json);
      QVERIFY2(TrainConfig{}.toJson() != t.toJson(), s.json);
    }
    // The layout older runs were written in: nested groups for masking and freezing.
    const auto j = nlohmann::json::parse(TrainConfig{}.toJson());
    QCOMPARE(j.at("masking").at("rate").get<double>(), 0.15);
    QCOMPARE(j.at("freeze").at("blocks").get<int>(), 0);
    QCOMPARE(j.at("eval_windows").get<int>(), 32);
  }

  void olderRunsReadWithTheDefaultsOfLaterSettings() {
    auto j = nlohmann::json::parse(TrainConfig{}.toJson());
    j.erase("snapshot_every");
    j.erase("freeze");
    j["batch"] = 7;
    const TrainConfig t = TrainConfig::fromJson(j.dump());
    QCOMPARE(t.batch, 7);
    QCOMPARE(t.snapshotEvery, TrainConfig{}.snapshotEvery);
    j.erase("eval_windows");  // In every run's config since the first: missing means damaged.
    const QString error = errorOf([&] { TrainConfig::fromJson(j.dump()); });
    QVERIFY2(error.contains("incomplete") && error.contains("eval_windows"), qPrintable(error));
  }

  void rangesAreTheRowsOwn() {
    for (const TrainSetting& s : trainSettings()) {
      TrainConfig t;
      if (s.isText()) {
        s.setText(t, "gpu");
        QCOMPARE(errorOf([&] { t.validate(); }), QString("%1 must be one of %2, not gpu")
                                                     .arg(QString::fromStdString(s.name()),
                                                          QString::fromStdString(s.choices[0] + ", " +
                                                                                 s.choices[1] + ", " + s.choices[2])));
        continue;
      }
      if (s.isSwitch()) continue;
      const auto set = [&](double x) {
        if (s.isWhole())
          s.setWhole(t, static_cast<long long>(x));
        else
          s.setReal(t, x);
      };
      for (const double inside : {s.min, s.max}) {
        set(inside);
        QVERIFY2(errorOf([&] { s.check(t); }).isEmpty(), s.json);
      }
      // Past the maximum by more than a double's rounding of the largest (2^62).
      const double above = s.max + std::max(1.0, s.max * 1e-3);
      for (const double outside : {s.min - 1, above, std::numeric_limits<double>::quiet_NaN()}) {
        if (std::isnan(outside) && s.isWhole()) continue;
        set(outside);
        const QString error = errorOf([&] { t.validate(); });
        QVERIFY2(error.startsWith(QString::fromStdString(s.name()) + " must be from "), qPrintable(error));
      }
    }
    TrainConfig shares;
    shares.masking.maskShare = 0.95;  // Each within its range, but more than all of the selected together.
    QCOMPARE(errorOf([&] { shares.validate(); }), QString("mask and random shares must add up to at most 1"));
  }

  void theCommandLineSetsEveryFlag() {
    TrainConfig want;
    std::vector<std::string> args = {"--out", "run", "--corpus", "c.txt"};
    for (const TrainSetting& s : trainSettings()) {
      if (!s.hasFlag()) continue;
      want = withOtherValue(s, want);
      args.push_back(std::string("--") + s.flag);
      if (!s.isSwitch()) args.push_back(s.text(want));
    }
    ArgParser p("pretrain train", "");
    addTrainOptions(p);
    QVERIFY(p.parse(args));
    QCOMPARE(differences(trainOptionsFrom(p).train, want), QStringList());
    // The struct's defaults where nothing is given.
    ArgParser none("pretrain train", "");
    addTrainOptions(none);
    QVERIFY(none.parse({"--out", "run"}));
    QCOMPARE(differences(trainOptionsFrom(none).train, TrainConfig{}), QStringList());
  }

  void theCommandLineRefusesWhatTheRowsRefuse_data() {
    QTest::addColumn<QString>("flag");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("error");
    QTest::newRow("below") << "batch" << "0" << "--batch must be a whole number from 1 to 1048576, not '0'";
    QTest::newRow("above") << "mask-rate" << "1" << "--mask-rate must be a number from 0.01 to 0.99, not '1'";
    QTest::newRow("choice") << "device" << "gpu" << "--device must be one of cpu, cuda, auto, not 'gpu'";
  }
  void theCommandLineRefusesWhatTheRowsRefuse() {
    QFETCH(QString, flag);
    QFETCH(QString, value);
    QFETCH(QString, error);
    ArgParser p("pretrain train", "");
    addTrainOptions(p);
    QVERIFY(p.parse({"--out", "run", "--" + flag.toStdString(), value.toStdString()}));
    QCOMPARE(errorOf([&] { trainOptionsFrom(p); }), error);
  }

  void helpShowsTheStructsDefaults() {
    ArgParser p("pretrain train", "");
    addTrainOptions(p);
    const QString help = QString::fromStdString(p.help());
    for (const TrainSetting& s : trainSettings()) {
      if (!s.hasFlag()) continue;
      const QString flag = QString("\n  --%1").arg(s.flag);
      QVERIFY2(help.contains(flag), s.flag);
      if (s.isSwitch()) continue;
      const QString line = help.mid(help.indexOf(flag) + 1).section('\n', 0, 0);
      QVERIFY2(line.endsWith(QString("[default: %1]").arg(QString::fromStdString(s.defaultText()))),
               qPrintable(line));
    }
    QVERIFY(help.contains("--batch N                   sequences per micro-batch [default: 16]\n"));
  }

  void tomlReadsBackAsTheFlags() {
    RunConfig c;
    c.model = ModelConfig::preset("tiny", Objective::Causal, 8000);
    c.preset = "tiny";
    c.corpus = {"a \"quoted\" name.txt", "b.txt"};
    for (const TrainSetting& s : trainSettings()) c.train = withOtherValue(s, c.train);
    const std::vector<TrainFlag> flags = trainFlags(c, {{"I love pizza with", "cheese"}}, FlagSet::Every);
    QTemporaryDir dir;
    const std::string path = dir.filePath("run.toml").toStdString();
    std::ofstream(path) << tomlOf(flags);
    const ArgParser::Settings read = readConfigFile(path);
    QCOMPARE(read.size(), flags.size());
    for (const TrainFlag& f : flags) QVERIFY2(read.at(f.name) == f.values, f.name.c_str());
    QCOMPARE(read.at("probe").at(0), std::string("I love pizza with=>cheese"));
  }

  void theCopiedCommandIsHandWorked() {
    const std::vector<TrainFlag> flags = {{"corpus", TrainFlag::Kind::List, {"my corpus.txt", "b.txt"}},
                                          {"steps", TrainFlag::Kind::Number, {"5"}},
                                          {"whole-word", TrainFlag::Kind::Switch, {"true"}},
                                          {"freeze-embeddings", TrainFlag::Kind::Switch, {"false"}},
                                          {"probe", TrainFlag::Kind::List, {"it's=>x"}},
                                          {"batch", TrainFlag::Kind::Number, {"16"}}};
    QCOMPARE(commandLineOf(flags, "runs/a"),
             std::string("pretrain train --corpus 'my corpus.txt' --corpus b.txt --steps 5 --whole-word "
                         "--probe 'it'\\''s=>x' --batch 16 --out runs/a"));
    QCOMPARE(torchrunCommandLineOf(flags, "r", 4),
             std::string("torchrun --standalone --nproc_per_node=4 --redirects 2 --tee 2 --no_python pretrain "
                         "train --corpus 'my corpus.txt' --corpus b.txt --steps 5 --whole-word --probe "
                         "'it'\\''s=>x' --batch 4 --out r"));
    QVERIFY(torchrunCommandLineOf(flags, "r", 3).find("--batch 16 ") != std::string::npos);  // 16 / 3: kept.
    QCOMPARE(tomlOf({{"probe", TrainFlag::Kind::List, {"say \"hi\"\n"}}}),
             std::string("# pretrain train --config FILE (flags given on the command line override these)\n"
                         "probe = [\"say \\\"hi\\\"\\u000a\"]\n"));
  }

  void theFlagsToStartARunAreItsOwn() {
    RunConfig c;
    c.model = ModelConfig::preset("tiny", Objective::Causal, 8000);
    c.preset = "tiny";
    const auto names = [](const std::vector<TrainFlag>& flags) {
      QStringList out;
      for (const TrainFlag& f : flags) out << QString::fromStdString(f.name);
      return out;
    };
    QStringList preset = names(trainFlags(c));
    QVERIFY(preset.contains("preset") && !preset.contains("layers") && !preset.contains("freeze-blocks"));
    c.model.layers = 3;  // No longer the preset's shape: the shape is given too.
    QVERIFY(!hasPresetShape(c.model, "tiny") && names(trainFlags(c)).contains("layers"));
    QVERIFY(!hasPresetShape(c.model, "no such preset"));
    c.initFrom = RunOrigin{"/runs/parent", 40, ""};  // Fine-tuned: the parent's model, and what it freezes.
    const QStringList fineTuned = names(trainFlags(c));
    QVERIFY(fineTuned.contains("init-from") && fineTuned.contains("init-step") &&
            fineTuned.contains("freeze-blocks") && !fineTuned.contains("preset") && !fineTuned.contains("layers"));
  }
};

QTEST_GUILESS_MAIN(TstTrainSettings)
#include "tst_train_settings.moc"
