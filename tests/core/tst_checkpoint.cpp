// Checkpoints and snapshots (train/checkpoint.h) of a small module: what is written reads back exactly, and
// each kind of mismatch is refused with a message that says which.

#include <torch/torch.h>

#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include "model/model_config.h"
#include "train/checkpoint.h"
#include "util/error.h"

using namespace pretrain;

namespace {

const std::string kTokenizer = "xxh3:0123456789abcdef";

QString errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return QString::fromUtf8(e.what());
  }
  return {};
}

// A 3 -> 2 linear layer whose weights are 0, 1/3, 2/3, ... (1/3 is not a bf16 number).
torch::nn::Linear counting() {
  torch::nn::Linear layer(3, 2);
  torch::NoGradGuard noGrad;
  layer->weight.copy_(torch::arange(6, torch::kFloat32).reshape({2, 3}) / 3);
  layer->bias.copy_(torch::tensor({0.5f, -2.0f}));
  return layer;
}

}  // namespace

class TstCheckpoint : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  const std::string m_shape = ModelConfig{}.toJson();

  std::string path(const char* name) const { return m_dir.filePath(name).toStdString(); }

 private Q_SLOTS:
  void whatIsWrittenReadsBack() {
    const std::string file = path("step-12.safetensors");
    writeCheckpoint(file, modelTensors(*counting()), {{"step", "12"}, {"loss", "2.5"}}, kTokenizer, m_shape);
    const Checkpoint c(file, kTokenizer, m_shape);
    QCOMPARE(c.count("step"), int64_t(12));
    QCOMPARE(c.number("loss"), 2.5);
    QCOMPARE(c.text("format_version"), std::to_string(kCheckpointFormatVersion));
    torch::nn::Linear fresh(3, 2);
    c.loadModel(*fresh);
    QVERIFY(torch::equal(fresh->weight, counting()->weight));
    QVERIFY(torch::equal(fresh->bias, counting()->bias));
  }

  void aSnapshotHoldsBf16WeightsReadAsFp32() {
    NamedTensors bf16 = modelTensors(*counting());
    for (auto& [name, t] : bf16) t = t.to(torch::kBFloat16);
    const std::string file = path("snapshot.safetensors");
    writeCheckpoint(file, bf16, {}, kTokenizer, m_shape, CheckpointKind::Snapshot);
    torch::nn::Linear fresh(3, 2);
    Checkpoint(file, kTokenizer, m_shape, CheckpointKind::Snapshot).loadModel(*fresh);
    QCOMPARE(fresh->weight.dtype(), torch::kFloat32);
    QCOMPARE(fresh->weight[0][1].item<float>(), 0.333984375f);  // 1/3 to bf16's 8 bits: 171/512.
    QCOMPARE(fresh->bias[1].item<float>(), -2.0f);
    QVERIFY(errorOf([&] { Checkpoint(file, kTokenizer, m_shape); })
                .endsWith("is a safetensors file but not a Pretrain Studio checkpoint"));
  }

  void mismatchesAreRefusedByName() {
    const std::string file = path("step-3.safetensors");
    NamedTensors tensors = modelTensors(*counting());
    tensors.push_back({"model.extra", torch::zeros({1})});
    writeCheckpoint(file, tensors, {{"step", "-3"}}, kTokenizer, m_shape);
    QCOMPARE(errorOf([&] { Checkpoint(file, "xxh3:other", m_shape); }),
             QString::fromStdString("checkpoint " + file + " was trained with another tokenizer (" + kTokenizer +
                                    ", this run has xxh3:other)"));
    ModelConfig wider;
    wider.dim *= 2;
    QVERIFY(errorOf([&] { Checkpoint(file, kTokenizer, wider.toJson()); }).contains("a model of another shape"));
    const Checkpoint c(file, kTokenizer, m_shape);
    QVERIFY(errorOf([&] { c.count("step"); }).endsWith("has 'step' = '-3', not a count"));
    QVERIFY(errorOf([&] { c.text("loss"); }).endsWith("lacks 'loss' (damaged?)"));
    torch::nn::Linear fresh(3, 2);
    QVERIFY(errorOf([&] { c.loadModel(*fresh); }).endsWith("holds model.extra, which this model does not have"));
  }
};

QTEST_GUILESS_MAIN(TstCheckpoint)
#include "tst_checkpoint.moc"
