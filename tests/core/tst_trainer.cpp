#include <torch/torch.h>

#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include "compute/compute_device.h"
#include "data/mlm_masking.h"
#include "model/language_model.h"
#include "test_model.h"
#include "test_tokenizer.h"
#include "test_training.h"
#include "train/cross_entropy.h"
#include "train/trainer.h"

using namespace pretrain;

class TstTrainer : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  testdata::TokenizedCorpus m_data;

  std::unique_ptr<Trainer> trainer(Objective o, TrainConfig t = testdata::smallTraining()) {
    return std::make_unique<Trainer>(testdata::smallModel(o, m_data.tokenizer->vocabSize()), t, m_data.store,
                                     m_data.tokenizer);
  }

 private Q_SLOTS:
  void initTestCase() { m_data = testdata::tokenizedCorpus(m_dir.path(), testdata::textCorpus(40, 25)); }

  void objectives_data() {
    QTest::addColumn<int>("objective");
    QTest::newRow("causal") << int(Objective::Causal);
    QTest::newRow("masked") << int(Objective::Masked);
  }

  void lossFalls_data() { objectives_data(); }
  void lossFalls() {
    QFETCH(int, objective);
    auto t = trainer(Objective(objective));
    const EvalMetrics before = t->evaluate();
    QVERIFY(std::abs(before.loss - std::log(400.0)) < 0.1 * std::log(400.0));  // Starts near ln(vocab).
    testdata::stepLosses(*t, 80);
    const EvalMetrics after = t->evaluate();
    qInfo("validation loss %.3f -> %.3f after 80 steps (asserted: a fall of more than 1.5)", before.loss,
          after.loss);
    QVERIFY2(after.loss < before.loss - 1.5,
             qPrintable(QString("%1 -> %2").arg(before.loss).arg(after.loss)));
    QCOMPARE(after.perplexity, std::exp(after.loss));
    QVERIFY(after.bitsPerByte > 0 && after.bitsPerByte < before.bitsPerByte);
    QVERIFY(after.tokens > 0);
  }

  void theLearningRateDecaysToItsFloor() {
    // No warm-up, 2 steps: the second is half way down the cosine, (peak + floor) / 2.
    TrainConfig c = testdata::smallTraining();
    c.warmup = 0;
    c.steps = 2;
    c.lr = 4e-3;
    for (const double floor : {0.0, 0.5}) {
      c.lrFloor = floor;
      auto t = trainer(Objective::Causal, c);
      QCOMPARE(t->step().lr, 4e-3);
      QCOMPARE(t->step().lr, floor == 0 ? 2e-3 : 3e-3);
    }
  }

  void sameSeedSameLosses_data() { objectives_data(); }
  void sameSeedSameLosses() {
    QFETCH(int, objective);
    auto a = trainer(Objective(objective)), b = trainer(Objective(objective));
    QCOMPARE(testdata::stepLosses(*a, 5), testdata::stepLosses(*b, 5));
    TrainConfig other = testdata::smallTraining();
    other.seed = 7;
    QVERIFY(testdata::stepLosses(*trainer(Objective(objective), other), 5) !=
            testdata::stepLosses(*trainer(Objective(objective)), 5));
  }

  void resumeEqualsUninterrupted_data() { objectives_data(); }
  void resumeEqualsUninterrupted() {
    QFETCH(int, objective);
    TrainConfig t = testdata::smallTraining();
    t.accum = 2;
    const auto whole = testdata::stepLosses(*trainer(Objective(objective), t), 8);
    const std::string path = m_dir.filePath("resume.safetensors").toStdString();
    auto first = trainer(Objective(objective), t);
    std::vector<double> pieces = testdata::stepLosses(*first, 4);
    first->saveCheckpoint(path);
    first.reset();
    torch::manual_seed(999);  // Disturb global state: the checkpoint must restore what matters.
    auto second = trainer(Objective(objective), t);
    second->loadCheckpoint(path);
    QCOMPARE(second->stepsDone(), int64_t(4));
    for (double l : testdata::stepLosses(*second, 4)) pieces.push_back(l);
    QCOMPARE(pieces, whole);
  }

  void nonFiniteStepsAreSkippedThenStop() {
    auto t = trainer(Objective::Causal);
    testdata::stepLosses(*t, 2);
    auto params = t->model()->named_parameters();
    {
      torch::NoGradGuard guard;
      params["ln_f.bias"][0] = std::numeric_limits<float>::quiet_NaN();
    }
    const torch::Tensor before = params["h.0.attn.c_attn.weight"].clone();
    const StepMetrics skipped = t->step();
    QVERIFY(skipped.skipped);
    QVERIFY(torch::equal(before, params["h.0.attn.c_attn.weight"]));  // The update was not applied.
    QVERIFY(t->step().skipped);
    try {
      t->step();
      QFAIL("no error on the third non-finite step");
    } catch (const TrainingError& e) {
      QVERIFY2(QString(e.what()).contains("3 steps in a row"), e.what());
    }
  }

  void refusesMismatchedCheckpoints() {
    const std::string good = m_dir.filePath("good.safetensors").toStdString();
    trainer(Objective::Causal)->saveCheckpoint(good);

    // Another tokenizer (another corpus), same vocabulary size.
    QTemporaryDir otherDir;
    const auto other = testdata::tokenizedCorpus(otherDir.path(), testdata::textCorpus(40, 25, 99));
    Trainer foreign(testdata::smallModel(Objective::Causal, 400), testdata::smallTraining(), other.store,
                    other.tokenizer);
    try {
      foreign.loadCheckpoint(good);
      QFAIL("no error");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("another tokenizer"), e.what());
    }
    // Another model shape.
    ModelConfig wider = testdata::smallModel(Objective::Causal, 400);
    wider.dim = 64;
    wider.mlpDim = 128;
    Trainer shaped(wider, testdata::smallTraining(), m_data.store, m_data.tokenizer);
    QVERIFY_THROWS_EXCEPTION(InputError, shaped.loadCheckpoint(good));
    // A truncated file and a file of garbage.
    QFile f(QString::fromStdString(good));
    QVERIFY(f.open(QIODevice::ReadOnly));
    testdata::writeFile(m_dir.filePath("cut.safetensors"), f.readAll().left(int(f.size() / 2)));
    testdata::writeFile(m_dir.filePath("junk.safetensors"), "not a checkpoint at all");
    auto t = trainer(Objective::Causal);
    for (const char* name : {"cut.safetensors", "junk.safetensors"}) {
      try {
        t->loadCheckpoint(m_dir.filePath(name).toStdString());
        QFAIL("no error");
      } catch (const InputError& e) {
        QVERIFY2(QString(e.what()).contains("damaged"), e.what());
      }
    }
  }

  void maskedModelTrainsInBf16() {
    // Forced bf16 autocast (any x86 CPU runs it, slowly): the BERT head's LayerNorm once failed on it.
    TrainConfig t = testdata::smallTraining();
    t.steps = 2;
    t.precision = "bf16";
    auto tr = trainer(Objective::Masked, t);
    QVERIFY(std::isfinite(tr->step().trainLoss));
    QVERIFY(std::isfinite(tr->evaluate().loss));
  }

  // The blockwise bf16 loss (gradient made in the forward pass) against LibTorch's fp32 cross_entropy on the
  // same values: rows past a block boundary, rows without a target, a divisor, and a scale from above or
  // none.
  void bf16LossMatchesLibTorch_data() {
    QTest::addColumn<double>("scale");
    QTest::newRow("scaled from above") << 0.25;
    QTest::newRow("not scaled") << 1.0;
  }
  void bf16LossMatchesLibTorch() {
    QFETCH(double, scale);
    torch::manual_seed(3);
    const torch::Tensor logits = (torch::randn({150, 300}) * 4).to(torch::kBFloat16);
    torch::Tensor targets = torch::randint(0, 300, {150}, torch::kLong);
    targets.narrow(0, 60, 10).fill_(kIgnoreLabel);
    const torch::Tensor a = logits.clone().requires_grad_(), b = logits.to(torch::kFloat).requires_grad_();
    const torch::Tensor ours = crossEntropy(a, targets, 140.0);
    const auto sum =
        torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnoreLabel).reduction(torch::kSum);
    const torch::Tensor reference = torch::nn::functional::cross_entropy(b, targets, sum) / 140.0;
    QVERIFY2(std::abs(ours.item<double>() - reference.item<double>()) < 1e-4 * reference.item<double>(),
             qPrintable(QString("%1 vs %2").arg(ours.item<double>()).arg(reference.item<double>())));
    (ours * scale).backward();
    (reference * scale).backward();
    const double diff = (a.grad().to(torch::kFloat) - b.grad()).abs().max().item<double>();
    const double largest = b.grad().abs().max().item<double>();
    QVERIFY2(diff < largest / 64,
             qPrintable(QString("largest gradient difference %1 of %2").arg(diff).arg(largest)));
    QCOMPARE(a.grad().narrow(0, 60, 10).abs().sum().item<double>(), 0.0);
  }

  // A row without a target whose logits overflowed adds nothing to the loss or the gradient.
  void bf16LossIgnoresNonFiniteRowsWithoutTarget() {
    torch::Tensor logits = torch::randn({4, 50}).to(torch::kBFloat16);
    logits[1].fill_(std::numeric_limits<float>::infinity());
    const torch::Tensor targets = torch::tensor({int64_t(3), kIgnoreLabel, int64_t(7), int64_t(9)});
    const torch::Tensor a = logits.requires_grad_();
    const torch::Tensor loss = crossEntropy(a, targets, 1.0);
    loss.backward();
    QVERIFY(std::isfinite(loss.item<double>()));
    QVERIFY(torch::isfinite(a.grad()).all().item<bool>());
    QCOMPARE(a.grad()[1].abs().sum().item<double>(), 0.0);
  }

  // A target outside the vocabulary is an error, not a read past the row.
  void bf16LossRefusesTargetsOutsideTheVocabulary() {
    const torch::Tensor logits = torch::randn({3, 50}).to(torch::kBFloat16);
    for (const int64_t bad : {int64_t(50), int64_t(-5)}) {
      const torch::Tensor targets = torch::tensor({int64_t(3), bad, kIgnoreLabel});
      QVERIFY_EXCEPTION_THROWN(crossEntropy(logits, targets, 1.0), c10::Error);
    }
    QVERIFY(std::isfinite(
        crossEntropy(logits, torch::tensor({int64_t(49), int64_t(0), kIgnoreLabel}), 1.0).item<double>()));
  }

  void bf16TracksFp32() {
    if (!cpuHasFastBf16()) QSKIP("this CPU has no fast bf16 (AVX-512 BF16 or AMX)");
    TrainConfig fp32 = testdata::smallTraining(), bf16 = testdata::smallTraining();
    fp32.steps = bf16.steps = 200;
    bf16.precision = "bf16";
    auto a = trainer(Objective::Causal, fp32), b = trainer(Objective::Causal, bf16);
    testdata::stepLosses(*a, 200);
    testdata::stepLosses(*b, 200);
    const double la = a->evaluate().loss, lb = b->evaluate().loss;
    QVERIFY2(std::abs(la - lb) < 0.02 * la, qPrintable(QString("fp32 %1, bf16 %2").arg(la).arg(lb)));
  }

  // Where a GPU is present (the GPU script's machine): training there in bf16 learns, and a checkpoint
  // written there opens on the CPU and goes on, and back.
  void checkpointsMoveBetweenDevices() {
    if (!torch::cuda::is_available()) QSKIP("no CUDA GPU here");
    TrainConfig gpu = testdata::smallTraining(), cpu = testdata::smallTraining();
    gpu.device = "cuda";
    gpu.precision = "bf16";
    auto onGpu = trainer(Objective::Causal, gpu);
    const std::vector<double> first = testdata::stepLosses(*onGpu, 40);
    QVERIFY2(first.back() < first.front(),
             qPrintable(QString("%1 -> %2").arg(first.front()).arg(first.back())));
    const QString path = m_dir.filePath("gpu.safetensors");
    onGpu->saveCheckpoint(path.toStdString());
    auto onCpu = trainer(Objective::Causal, cpu);
    onCpu->loadCheckpoint(path.toStdString());
    QCOMPARE(onCpu->stepsDone(), int64_t(40));
    const double gpuEval = onGpu->evaluate().loss, cpuEval = onCpu->evaluate().loss;
    QVERIFY2(std::abs(gpuEval - cpuEval) < 0.02 * gpuEval,
             qPrintable(QString("%1 vs %2").arg(gpuEval).arg(cpuEval)));
    testdata::stepLosses(*onCpu, 5);
    onCpu->saveCheckpoint(m_dir.filePath("cpu.safetensors").toStdString());
    auto back = trainer(Objective::Causal, gpu);
    back->loadCheckpoint(m_dir.filePath("cpu.safetensors").toStdString());
    QCOMPARE(back->stepsDone(), int64_t(45));
    QVERIFY(std::isfinite(back->step().trainLoss));
  }

  void frozenPartsKeepTheirWeights_data() { objectives_data(); }
  void frozenPartsKeepTheirWeights() {
    QFETCH(int, objective);
    TrainConfig c = testdata::smallTraining();
    c.freezeEmbeddings = true;
    c.freezeBlocks = 1;                                                // Of 2.
    QCOMPARE(TrainConfig::fromJson(c.toJson()).toJson(), c.toJson());  // config.json keeps both.
    auto t = trainer(Objective(objective), c);
    std::map<std::string, torch::Tensor> before;
    for (const auto& p : t->model()->named_parameters()) before[p.key()] = p.value().detach().clone();
    testdata::stepLosses(*t, 3);
    int64_t frozen = 0;
    QStringList changed, kept;
    for (const auto& p : t->model()->named_parameters())
      (torch::equal(before[p.key()], p.value()) ? kept : changed) << QString::fromStdString(p.key());
    for (const torch::Tensor& p : t->model()->embeddingParameters()) frozen += p.numel();
    for (const torch::Tensor& p : t->model()->blockParameters(0)) frozen += p.numel();
    QCOMPARE(t->frozenParameters(), frozen);
    // Kept: the embeddings and the first block, and nothing else; the second block trains.
    const QString embeddings =
        objective == int(Objective::Causal) ? "wte.weight" : "embeddings.word_embeddings";
    const QString first = objective == int(Objective::Causal) ? "h.0." : "encoder.layer.0.";
    const QString second = objective == int(Objective::Causal) ? "h.1." : "encoder.layer.1.";
    QVERIFY(!kept.filter(embeddings).isEmpty());
    QVERIFY(changed.filter(embeddings).isEmpty());
    QVERIFY(changed.filter(first).isEmpty());
    QVERIFY(kept.filter(second).isEmpty());
    QVERIFY(!changed.filter(second).isEmpty());

    c.freezeBlocks = 3;
    QVERIFY_THROWS_EXCEPTION(InputError, trainer(Objective(objective), c));
  }

  void tooLittleDataIsRefused() {
    ModelConfig c = testdata::smallModel(Objective::Causal, 400);
    c.context = 100000;
    QVERIFY_THROWS_EXCEPTION(InputError,
                             Trainer(c, testdata::smallTraining(), m_data.store, m_data.tokenizer));
  }
};

QTEST_GUILESS_MAIN(TstTrainer)
#include "tst_trainer.moc"
