// A run saved by the version before checkpoints were safetensors files (tests/data/legacy-run-v1, made by
// that version): opening it is refused with the way to convert it, upgradeRun converts it exactly (the same
// weights and the same next steps as the old checkpoint read by the old reader), and a damaged old
// checkpoint is reported and left where it is.
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <filesystem>
#include <fstream>

#include "data/token_store.h"
#include "infer/predictor.h"
#include "run/open_run.h"
#include "run/run_folder.h"
#include "run/upgrade_run.h"
#include "test_training.h"
#include "tokenizer/tokenize_corpus.h"
#include "tokenizer/tokenizer.h"
#include "train/trainer.h"
#include "util/error.h"

using namespace pretrain;
namespace fs = std::filesystem;

class TstUpgradeRun : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;

  std::string copyOfTheOldRun(const char* name) {
    const std::string to = m_dir.filePath(name).toStdString();
    fs::copy(PRETRAIN_TEST_DATA_DIR "/legacy-run-v1", to, fs::copy_options::recursive);
    return to;
  }

  static std::string errorOf(const std::function<void()>& f) {
    try {
      f();
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }

 private Q_SLOTS:
  void anOldRunIsRefusedWithTheWayToConvertIt() {
    const std::string run = copyOfTheOldRun("refused");
    for (const std::string& message :
         {errorOf([&] { openRunPredictor(run); }), errorOf([&] { openRunTrainer(run); })}) {
      QVERIFY2(message.find("runs what the file describes") != std::string::npos &&
                   message.find("pretrain upgrade-run --run " + run) != std::string::npos,
               message.c_str());
    }
    QCOMPARE(RunFolder(run).legacyCheckpoints().size(), size_t(2));  // Nothing was touched.
  }

  void conversionIsExact() {
    const std::string run = copyOfTheOldRun("converted"), original = copyOfTheOldRun("original");
    std::vector<std::string> notes;
    QCOMPARE(upgradeRun(run, [&](const std::string& n) { notes.push_back(n); }), 2);
    QCOMPARE(notes.size(), size_t(2));
    const RunFolder converted(run);
    QVERIFY(converted.legacyCheckpoints().empty());
    QVERIFY(!fs::exists(run + "/checkpoints/step-00000006.pt.digest"));
    QCOMPARE(converted.checkpoints().size(), size_t(2));
    QVERIFY(QString::fromStdString(converted.latestCheckpoint()).endsWith("step-00000006.safetensors"));

    // The old checkpoint through the old reader, beside the converted run opened as any run is.
    const RunFolder old(original);
    const RunConfig config = old.readConfig();
    Trainer before(config.model, config.train,
                   std::make_shared<const TokenStore>(tokenStoreDir(old.dataDir())),
                   loadRunTokenizer(old, config));
    before.loadLegacyCheckpoint(old.legacyCheckpoints().back());
    const auto after = openRunTrainer(run);
    QCOMPARE(after->stepsDone(), int64_t(6));
    QCOMPARE(after->parameterDigest(), before.parameterDigest());
    QCOMPARE(testdata::stepLosses(*after, 3), testdata::stepLosses(before, 3));
    QVERIFY(!openRunPredictor(run)->next("the quick brown", 5).candidates.empty());
    // Done once: a second time there is nothing to convert.
    QVERIFY(errorOf([&] { upgradeRun(run); }).find("nothing to convert") != std::string::npos);
  }

  void aDamagedOldCheckpointIsReportedAndLeftAlone() {
    const std::string run = copyOfTheOldRun("damaged");
    const std::string latest = run + "/checkpoints/step-00000006.pt";
    fs::resize_file(latest, fs::file_size(latest) / 2);
    std::vector<std::string> notes;
    QCOMPARE(upgradeRun(run, [&](const std::string& n) { notes.push_back(n); }), 1);
    QCOMPARE(notes.size(), size_t(2));  // Oldest first: step 4 converted, then step 6 refused.
    QVERIFY2(notes[1].find("step-00000006.pt is damaged") != std::string::npos &&
                 notes[1].find("left as it is") != std::string::npos,
             notes[1].c_str());
    QVERIFY(fs::exists(latest));
    QVERIFY(QString::fromStdString(RunFolder(run).latestCheckpoint()).endsWith("step-00000004.safetensors"));
    QCOMPARE(openRunTrainer(run)->stepsDone(), int64_t(4));
  }
};

QTEST_GUILESS_MAIN(TstUpgradeRun)
#include "tst_upgrade_run.moc"
