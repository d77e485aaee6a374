// Data-parallel training through a real c10d Gloo process group on the loopback: two members (threads of
// this test, each with its own group connection and trainer, as two processes would have) with batch B/2
// against one trainer with batch B, same seed: the same losses step for step, the same evaluation, and
// both members' weights identical. A group of one (torchrun --nproc-per-node 1) trains as no group does, on
// the CPU over Gloo and, where there is a GPU, over NCCL. Processes started by torchrun are tested with the
// `pretrain` command.
#include <torch/torch.h>

#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <future>

#include "compute/device_list.h"
#include "compute/process_group.h"
#include "model/language_model.h"
#include "test_model.h"
#include "test_network.h"
#include "test_skip.h"
#include "test_tokenizer.h"
#include "test_training.h"
#include "train/trainer.h"

using namespace pretrain;

namespace {

// fn(rank) for both members at once, as their two processes would run it (each waits for the other in
// the group's collectives); the two results.
template <typename Fn>
auto onBothMembers(Fn fn) {
  auto first = std::async(std::launch::async, fn, 0), second = std::async(std::launch::async, fn, 1);
  return std::make_pair(first.get(), second.get());
}

// The error processGroupFromEnvironment() gives now, or "" when there is none.
QString environmentError() {
  try {
    processGroupFromEnvironment();
    return {};
  } catch (const InputError& e) {
    return e.what();
  }
}

// The engine tests' training at `batch` rows, one thread per member.
TrainConfig training(int batch, const std::string& device = "cpu") {
  TrainConfig t = testdata::smallTraining();
  t.device = device;
  t.batch = batch;
  t.steps = 20;
  t.threads = 1;
  return t;
}

}  // namespace

class TstDataParallel : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  testdata::TokenizedCorpus m_data;

  std::unique_ptr<Trainer> trainer(Objective o, int batch, std::shared_ptr<ProcessGroup> group = nullptr,
                                   const std::string& device = "cpu") {
    return std::make_unique<Trainer>(testdata::smallModel(o, m_data.tokenizer->vocabSize()),
                                     training(batch, device), m_data.store, m_data.tokenizer,
                                     std::move(group));
  }

 private Q_SLOTS:
  void initTestCase() { m_data = testdata::tokenizedCorpus(m_dir.path(), testdata::textCorpus(40, 25)); }

  void aGroupOfOneTrainsAsNoGroup_data() {
    QTest::addColumn<bool>("gpu");
    QTest::newRow("CPU, Gloo") << false;
    QTest::newRow("GPU, NCCL") << true;
  }
  void aGroupOfOneTrainsAsNoGroup() {
    QFETCH(bool, gpu);
    if (gpu && !(cudaAvailable() && hasGpuProcessGroups()))
      QSKIP("no GPU here, or this build has no NCCL process groups");
    if (!gpu && !hasProcessGroups()) PRETRAIN_SKIP_UNLESS_SET_UP("this build has no process groups (Gloo's headers were missing)");
    ProcessGroupSettings s;
    s.gpus = gpu;
    s.launched = true;
    s.masterAddress = "127.0.0.1";
    s.masterPort = testdata::freePort();
    s.bucketBytes = 4096;  // several buckets, each its own collective
    const std::string device = gpu ? "cuda" : "cpu";
    auto member = trainer(Objective::Causal, 8, std::make_shared<ProcessGroup>(s, 30), device);
    auto alone = trainer(Objective::Causal, 8, nullptr, device);
    const std::vector<double> summed = testdata::stepLosses(*member, 20),
                              expected = testdata::stepLosses(*alone, 20);
    // The GPU's sums of the embedding's gradient (atomic adds) are in no fixed order: close, not equal.
    const double tolerance = gpu ? 1e-4 : 0;
    for (size_t i = 0; i < expected.size(); ++i)
      QVERIFY2(std::abs(summed[i] - expected[i]) <= tolerance,
               qPrintable(QString("step %1: %2 vs %3").arg(i + 1).arg(summed[i]).arg(expected[i])));
    const EvalMetrics a = member->evaluate(), b = alone->evaluate();  // the sums go to the GPU and back
    QCOMPARE(a.tokens, b.tokens);
    QVERIFY(std::abs(a.loss - b.loss) <= tolerance + 1e-9);
  }

  void twoHalvesEqualOneWhole_data() {
    QTest::addColumn<int>("objective");
    QTest::addColumn<int>("bucketBytes");
    QTest::newRow("causal, one bucket") << int(Objective::Causal) << (25 << 20);
    QTest::newRow("causal, buckets of 4 KiB") << int(Objective::Causal) << 4096;
    QTest::newRow("masked, buckets of 4 KiB") << int(Objective::Masked) << 4096;
  }
  void twoHalvesEqualOneWhole() {
    if (!hasProcessGroups()) PRETRAIN_SKIP_UNLESS_SET_UP("this build has no process groups (Gloo's headers were missing)");
    QFETCH(int, objective);
    QFETCH(int, bucketBytes);
    const Objective o = Objective(objective);
    ProcessGroupSettings s;
    s.bucketBytes = bucketBytes;
    s.worldSize = 2;
    s.masterAddress = "127.0.0.1";
    s.masterPort = testdata::freePort();
    const auto groups = onBothMembers([&](int r) {
      ProcessGroupSettings mine = s;
      mine.rank = mine.localRank = r;
      return std::make_shared<ProcessGroup>(mine, 30);  // waits for the other member
    });
    // Made one after the other: each seeds LibTorch's global generator and draws its initial weights.
    std::unique_ptr<Trainer> members[2] = {trainer(o, 4, groups.first), trainer(o, 4, groups.second)};
    auto whole = trainer(o, 8);

    const auto [first, second] = onBothMembers([&](int r) { return testdata::stepLosses(*members[r], 20); });
    const std::vector<double> expected = testdata::stepLosses(*whole, 20);
    QCOMPARE(first, second);  // every member logs the group's loss
    for (size_t i = 0; i < expected.size(); ++i)
      QVERIFY2(std::abs(first[i] - expected[i]) < 1e-5,
               qPrintable(QString("step %1: %2 vs %3").arg(i + 1).arg(first[i]).arg(expected[i])));

    // Evaluation is shared out and summed: the same figure as one process's.
    const auto [a, b] = onBothMembers([&](int r) { return members[r]->evaluate(); });
    const EvalMetrics one = whole->evaluate();
    QCOMPARE(a.tokens, one.tokens);
    QVERIFY(std::abs(a.loss - one.loss) < 1e-5);
    QCOMPARE(a.loss, b.loss);

    // Both members hold exactly the same weights.
    const auto p0 = members[0]->model()->parameters(), p1 = members[1]->model()->parameters();
    for (size_t i = 0; i < p0.size(); ++i) QVERIFY(torch::equal(p0[i], p1[i]));
  }

  void badEnvironmentIsOneLine() {
    qputenv("WORLD_SIZE", "2");
    qunsetenv("RANK");
    QVERIFY2(environmentError().contains("RANK is not set"), qPrintable(environmentError()));
    qputenv("RANK", "2");
    qputenv("MASTER_ADDR", "127.0.0.1");
    qputenv("MASTER_PORT", "29500");
    QVERIFY2(environmentError().contains("not below WORLD_SIZE"), qPrintable(environmentError()));
    qputenv("WORLD_SIZE", "1");
    qputenv("RANK", "0");
    QVERIFY(processGroupFromEnvironment().distributed());  // a group of one, as torchrun starts it
    qunsetenv("WORLD_SIZE");
    QVERIFY(!processGroupFromEnvironment().distributed());
  }
};

QTEST_GUILESS_MAIN(TstDataParallel)
#include "tst_data_parallel.moc"
