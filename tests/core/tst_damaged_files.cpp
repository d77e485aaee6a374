// Damaged run files, made by a seeded mutator (bits flipped, bytes replaced, ranges deleted or repeated, the
// file cut short) from valid ones: the history, config.json, the probes, a token store's manifest, and
// checkpoints, cut at every 4 KiB and mutated. Every reader either reads or throws the engine's own one-line
// error, never another exception (and, in the asan preset, never a sanitizer report).
// PRETRAIN_FUZZ_ITERATIONS sets the number of mutants per file (CI: 300). Found on its first run: damaged
// checkpoints made LibTorch's reader throw std::out_of_range, which no catch expected; under ASan, 3,000
// mutants reached a segmentation fault in LibTorch 1.13's TorchScript importer, which is why checkpoints
// are safetensors files now (train/checkpoint.h). Their header parser is fuzzed here on its own too, as a
// hostile file with a valid checksum would meet it.
#include <torch/torch.h>

#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "run/probe_json.h"
#include "run/run_folder.h"
#include "run/run_follower.h"
#include "test_model.h"
#include "test_tokenizer.h"
#include "test_training.h"
#include "train/trainer.h"
#include "util/error.h"
#include "util/safetensors.h"

using namespace pretrain;
namespace fs = std::filesystem;

namespace {

int iterations() {
  const int asked = qEnvironmentVariableIntValue("PRETRAIN_FUZZ_ITERATIONS");
  return asked > 0 ? asked : 300;
}

std::string readAll(const std::string& path) {
  std::ostringstream s;
  s << std::ifstream(path, std::ios::binary).rdbuf();
  return s.str();
}

void writeAll(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// One to four random edits of `text`.
std::string mutate(std::string text, std::mt19937& rng) {
  const int edits = 1 + int(rng() % 4);
  for (int e = 0; e < edits && !text.empty(); ++e) {
    const size_t at = rng() % text.size();
    switch (rng() % 5) {
      case 0:
        text[at] = char(text[at] ^ (1 << (rng() % 8)));
        break;
      case 1:
        text[at] = char(rng() % 256);
        break;
      case 2:
        text.erase(at, 1 + rng() % 16);
        break;
      case 3:
        text.insert(at, text.substr(at, 1 + rng() % 16));
        break;
      default:
        text.resize(at);
    }
  }
  return text;
}

// Runs `read` on `mutants` damaged copies of `path`'s contents; returns how many were refused. Anything but
// the engine's own errors fails the test, naming the mutant.
template <typename Read>
int survive(const std::string& path, int mutants, unsigned seed, Read read) {
  const std::string good = readAll(path);
  std::mt19937 rng(seed);
  int refused = 0;
  for (int i = 0; i < mutants; ++i) {
    writeAll(path, mutate(good, rng));
    try {
      read();
    } catch (const Error&) {
      ++refused;
    } catch (const std::exception& e) {
      writeAll(path + ".failing", readAll(path));
      qFatal("mutant %d of %s (kept as .failing): %s", i, path.c_str(), e.what());
    }
  }
  writeAll(path, good);
  return refused;
}

}  // namespace

class TstDamagedFiles : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  testdata::TokenizedCorpus m_data;
  std::string m_run;

 private Q_SLOTS:
  void initTestCase() {
    m_data = testdata::tokenizedCorpus(m_dir.path(), testdata::textCorpus(40, 25));
    m_run = m_dir.filePath("run").toStdString();
    const RunFolder run(m_run);
    fs::create_directories(run.checkpointsDir());
    RunConfig config;
    config.model = testdata::smallModel(Objective::Causal, m_data.tokenizer->vocabSize());
    config.train = testdata::smallTraining();
    config.tokenizerHash = m_data.tokenizer->hash();
    run.writeConfig(config);
    for (int step = 1; step <= 30; ++step) {
      StepMetrics s;
      s.step = step;
      s.trainLoss = 5.0 / step;
      s.skipped = step == 7;
      EvalMetrics e;
      e.step = step;
      e.loss = step % 10 == 0 ? std::nan("") : 4.0;
      run.appendMetrics(s, step % 5 == 0 ? &e : nullptr);
    }
    run.writeProbes({{"I love to eat pizza with", "cheese"}, {"The quick [MASK] fox", "brown"}});
    run.appendProbeResults({{5, 0, 0.25, 3}, {5, 1, 0.5, 1}});
  }

  void theHistory() {
    const RunFolder run(m_run);
    const int refused = survive(run.metricsPath(), iterations(), 1, [&] {
      std::vector<StepMetrics> steps;
      std::vector<EvalMetrics> evals;
      run.readMetrics(steps, evals);  // Never throws: damaged lines are skipped.
      RunFollower(m_run).poll();
    });
    QCOMPARE(refused, 0);
  }

  void theConfig() {
    const RunFolder run(m_run);
    const int refused = survive(run.configPath(), iterations(), 2, [&] { run.readConfig(); });
    qInfo("config.json: %d of %d mutants refused with one line, the rest read", refused, iterations());
    QVERIFY(refused > 0);
  }

  void theProbes() {
    const RunFolder run(m_run);
    survive(run.probesPath(), iterations(), 3, [&] { run.readProbes(); });
    const int refused = survive(run.probeResultsPath(), iterations(), 4, [&] { run.readProbeResults(); });
    QCOMPARE(refused, 0);  // Damaged lines are skipped.
  }

  void aTokenStoreManifest() {
    const std::string store = tokenStoreDir(m_dir.filePath("data").toStdString());
    const int refused = survive(store + "/manifest.json", iterations(), 5, [&] { TokenStore{store}; });
    qInfo("manifest.json: %d of %d mutants refused with one line", refused, iterations());
    QVERIFY(refused > 0);
  }

  void checkpointsCutShortAndMutated() {
    Trainer trainer(testdata::smallModel(Objective::Causal, m_data.tokenizer->vocabSize()),
                    testdata::smallTraining(), m_data.store, m_data.tokenizer);
    testdata::stepLosses(trainer, 2);
    const std::string path = RunFolder(m_run).checkpointPath(2);
    trainer.saveCheckpoint(path);
    const std::string good = readAll(path);
    int refused = 0, cuts = 0;
    for (size_t size = 0; size < good.size(); size += 4096, ++cuts) {
      writeAll(path, good.substr(0, size));
      try {
        trainer.loadCheckpoint(path);
      } catch (const InputError&) {
        ++refused;
      }
    }
    qInfo("a checkpoint of %zu bytes cut at every 4 KiB: %d of %d cuts refused with one line", good.size(),
          refused, cuts);
    QCOMPARE(refused, cuts);
    writeAll(path, good);
    // The checksum covers the header's content and every tensor byte: a mutant is refused, or it changed
    // nothing that is read (whitespace in the JSON header: 6 of 30,000 here) and loads the same weights.
    const std::string saved = trainer.parameterDigest();
    int loadedOther = 0;
    const int mutantsRefused = survive(path, iterations(), 7, [&] {
      trainer.loadCheckpoint(path);
      loadedOther += trainer.parameterDigest() != saved;
    });
    qInfo("checkpoint mutants: %d of %d refused with one line, the rest loaded the saved weights",
          mutantsRefused, iterations());
    QCOMPARE(loadedOther, 0);
    QVERIFY(mutantsRefused > iterations() * 99 / 100);
    trainer.loadCheckpoint(path);  // The good one is back and loads.
  }

  // The header parser meets damage before any checksum can be checked: mutants of the header (with the
  // tensors' bytes after it) must each be read whole or refused with one line.
  void safetensorsHeadersMutated() {
    const std::string path = RunFolder(m_run).checkpointPath(2);
    const std::string good = readAll(path);
    uint64_t length = 0;
    std::memcpy(&length, good.data(), sizeof length);
    const std::string header = good.substr(0, 8 + length), data = good.substr(8 + length);
    std::mt19937 rng(9);
    int refused = 0;
    for (int i = 0; i < iterations(); ++i) {
      writeAll(path, mutate(header, rng) + data);
      try {
        const SafetensorsFile file(path);
        std::vector<char> bytes;
        for (const SafetensorsEntry& e : file.entries()) {
          bytes.resize(size_t(e.end - e.begin));
          file.read(e, bytes.data());
        }
      } catch (const Error&) {
        ++refused;
      } catch (const std::exception& e) {
        writeAll(path + ".failing", readAll(path));
        qFatal("header mutant %d (kept as .failing): %s", i, e.what());
      }
    }
    writeAll(path, good);
    qInfo("safetensors header mutants: %d of %d refused with one line, the rest read", refused, iterations());
    QVERIFY(refused > 0);
  }
};

QTEST_GUILESS_MAIN(TstDamagedFiles)
#include "tst_damaged_files.moc"
