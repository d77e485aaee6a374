// Data-parallel training through a real c10d Gloo process group on the loopback: two members (threads of
// this test, each with its own group connection and trainer, as two processes would have) with batch B/2
// against one trainer with batch B, same seed: the same losses step for step, the same evaluation, and
// both members' weights identical. Processes started by torchrun are tested with the `pretrain` command.
#include <torch/torch.h>

#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <future>
#include <thread>

#include "compute/process_group.h"
#include "model/language_model.h"
#include "test_model.h"
#include "test_network.h"
#include "test_tokenizer.h"
#include "train/trainer.h"

using namespace pretrain;

namespace {

TrainConfig training(int batch) {
  TrainConfig t;
  t.batch = batch;
  t.steps = 20;
  t.lr = 3e-3;
  t.warmup = 5;
  t.threads = 1;
  t.device = "cpu";
  t.precision = "fp32";
  t.evalWindows = 16;
  return t;
}

std::vector<double> train(Trainer& t, int steps) {
  std::vector<double> losses;
  for (int i = 0; i < steps; ++i) losses.push_back(t.step().trainLoss);
  return losses;
}

}  // namespace

class TstDataParallel : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  testdata::TokenizedCorpus m_data;

  std::unique_ptr<Trainer> trainer(Objective o, int batch, std::shared_ptr<ProcessGroup> group = nullptr) {
    return std::make_unique<Trainer>(testdata::smallModel(o, m_data.tokenizer->vocabSize()), training(batch),
                                     m_data.store, m_data.tokenizer, std::move(group));
  }

 private Q_SLOTS:
  void initTestCase() {
    if (!hasProcessGroups()) QSKIP("this build has no process groups (Gloo's headers were missing)");
    m_data = testdata::tokenizedCorpus(m_dir.path(), testdata::textCorpus(40, 25));
  }

  void objectives_data() {
    QTest::addColumn<int>("objective");
    QTest::newRow("causal") << int(Objective::Causal);
    QTest::newRow("masked") << int(Objective::Masked);
  }

  void twoHalvesEqualOneWhole_data() { objectives_data(); }
  void twoHalvesEqualOneWhole() {
    QFETCH(int, objective);
    const Objective o = Objective(objective);
    ProcessGroupSettings s;
    s.worldSize = 2;
    s.masterAddress = "127.0.0.1";
    s.masterPort = testdata::freePort();
    // Joining waits for both members: one thread each.
    std::shared_ptr<ProcessGroup> groups[2];
    std::thread joins[2];
    for (int r = 0; r < 2; ++r)
      joins[r] = std::thread([&, r] {
        ProcessGroupSettings mine = s;
        mine.rank = mine.localRank = r;
        groups[r] = std::make_shared<ProcessGroup>(mine, 30);
      });
    for (std::thread& j : joins) j.join();
    // Made one after the other: each seeds LibTorch's global generator and draws its initial weights.
    std::unique_ptr<Trainer> members[2] = {trainer(o, 4, groups[0]), trainer(o, 4, groups[1])};
    auto whole = trainer(o, 8);

    std::future<std::vector<double>> halves[2];
    for (int r = 0; r < 2; ++r)
      halves[r] = std::async(std::launch::async, [&, r] { return train(*members[r], 20); });
    const std::vector<double> expected = train(*whole, 20), first = halves[0].get(), second = halves[1].get();
    QCOMPARE(first, second);  // every member logs the group's loss
    for (size_t i = 0; i < expected.size(); ++i)
      QVERIFY2(std::abs(first[i] - expected[i]) < 1e-5,
               qPrintable(QString("step %1: %2 vs %3").arg(i + 1).arg(first[i]).arg(expected[i])));

    // Evaluation is shared out and summed: the same figure as one process's.
    std::future<EvalMetrics> evals[2];
    for (int r = 0; r < 2; ++r)
      evals[r] = std::async(std::launch::async, [&, r] { return members[r]->evaluate(); });
    const EvalMetrics a = evals[0].get(), b = evals[1].get(), one = whole->evaluate();
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
    try {
      processGroupFromEnvironment();
      QFAIL("no error");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("RANK is not set"), e.what());
    }
    qputenv("RANK", "2");
    qputenv("MASTER_ADDR", "127.0.0.1");
    qputenv("MASTER_PORT", "29500");
    try {
      processGroupFromEnvironment();
      QFAIL("no error");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("not below WORLD_SIZE"), e.what());
    }
    qputenv("WORLD_SIZE", "1");
    QVERIFY(!processGroupFromEnvironment().distributed());
  }
};

QTEST_GUILESS_MAIN(TstDataParallel)
#include "tst_data_parallel.moc"
