// `pretrain train | next | fill | generate | eval` end to end, as a user runs them, including interruptions.
#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <csignal>

#include "test_cli.h"
#include "test_data.h"
#include "test_metrics.h"
#include "test_process.h"

using testdata::pretrain;
using testdata::pretrainPath;
using testdata::Run;

namespace {

int metricLines(const QString& runDir) { return int(testdata::trainLosses(runDir).size()); }

}  // namespace

class TstPretrainTrainCli : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  QString path(const QString& name) const { return m_dir.filePath(name); }

  // A small model on the mission corpus; `extra` holds flag-value pairs that override or add to these.
  QStringList trainArgs(const QString& out, const QStringList& extra = {}) const {
    QStringList args = {"train",
                        "--corpus",
                        path("mission.txt"),
                        "--out",
                        path(out),
                        "--layers",
                        "2",
                        "--heads",
                        "2",
                        "--dim",
                        "64",
                        "--context",
                        "32",
                        "--batch",
                        "16",
                        "--vocab-size",
                        "400",
                        "--lr",
                        "3e-3",
                        "--warmup",
                        "20",
                        "--threads",
                        "2",
                        "--precision",
                        "fp32",
                        "--json"};
    for (int i = 0; i + 1 < extra.size(); i += 2) {
      const int at = int(args.indexOf(extra[i]));
      if (at >= 0)
        args[at + 1] = extra[i + 1];
      else
        args << extra[i] << extra[i + 1];
    }
    return args;
  }

 private Q_SLOTS:
  void initTestCase() { testdata::writeFile(path("mission.txt"), testdata::missionCorpus()); }

  void trainWritesARunFolder() {
    const Run r = pretrain(trainArgs("clm", {"--steps", "300", "--eval-every", "100", "--save-every", "100",
                                             "--probe", "I love to eat pizza with=>cheese"}));
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject j = r.json();
    QCOMPARE(j["end_step"].toInt(), 300);
    QVERIFY(j["validation"].toObject()["loss"].toDouble() < 1.5);
    for (const char* f :
         {"config.json", "metrics.jsonl", "data/tokenizer.model", "data/tokens/manifest.json"})
      QVERIFY2(QFile::exists(path("clm/") + f), f);
    QCOMPARE(metricLines(path("clm")), 300);
    QFile metrics(path("clm/metrics.jsonl"));
    QVERIFY(metrics.open(QIODevice::ReadOnly));
    const auto lines = metrics.readAll().split('\n');
    const QJsonObject first = QJsonDocument::fromJson(lines[0]).object(),
                      hundredth = QJsonDocument::fromJson(lines[99]).object();
    for (const char* k : {"step", "train_loss", "lr", "grad_norm", "tokens_per_s", "elapsed_s"})
      QVERIFY2(first.contains(k), k);
    QVERIFY(!first.contains("val_loss"));
    for (const char* k : {"val_loss", "val_perplexity", "val_bits_per_byte"})
      QVERIFY2(hundredth.contains(k), k);
    QCOMPARE(QDir(path("clm/checkpoints")).entryList({"step-*.safetensors"}).size(), 3);  // 100, 200, 300
    // The probe: one line per evaluation; by the end the model has learnt the fact.
    QFile probes(path("clm/probes.jsonl"));
    QVERIFY(probes.open(QIODevice::ReadOnly));
    const auto probeLines = probes.readAll().trimmed().split('\n');
    QCOMPARE(probeLines.size(), 3);
    const QJsonObject last = QJsonDocument::fromJson(probeLines.back()).object();
    QCOMPARE(last["step"].toInt(), 300);
    QCOMPARE(last["rank"].toInt(), 1);
    QVERIFY(last["prob"].toDouble() > 0.5);
    // The same command on the finished run: nothing to do, and it names the checkpoint it holds.
    const Run again = pretrain(trainArgs("clm", {"--steps", "300", "--eval-every", "100", "--save-every",
                                                 "100", "--probe", "I love to eat pizza with=>cheese"}));
    QVERIFY2(again.exitCode == 0, again.err.constData());
    QCOMPARE(again.json()["start_step"].toInt(), 300);
    QCOMPARE(again.json()["end_step"].toInt(), 300);
    QVERIFY(again.json()["checkpoint"].toString().endsWith("checkpoints/step-00000300.safetensors"));
    QCOMPARE(metricLines(path("clm")), 300);
  }

  void nextSaysCheese() {
    const Run r = pretrain(
        {"next", "--run", path("clm"), "--prompt", "I love to eat pizza with", "--top-k", "3", "--json"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject top = r.json()["candidates"].toArray()[0].toObject();
    QCOMPARE(top["text"].toString(), QString("cheese"));
    QCOMPARE(top["token"].toString(), QString("▁cheese"));
    QVERIFY(top["prob"].toDouble() > 0.5);
    QVERIFY(top.contains("id"));
  }

  void fillSaysBrown_data() {
    QTest::addColumn<QString>("run");
    QTest::newRow("causal model") << "clm";
    QTest::newRow("masked model") << "mlm";
  }
  void fillSaysBrown() {
    QFETCH(QString, run);
    if (run == "mlm") {
      // The product's 100 warmup steps, not the 20 the causal runs here use: with 20 this post-LayerNorm
      // encoder learnt "brown" or not depending on the seed and on rounding (0.2 to 0.96 over ten seeds);
      // with 100, 0.63 to 0.96.
      const Run t = pretrain(trainArgs("mlm", {"--objective", "mlm", "--steps", "1000", "--batch", "32",
                                               "--lr", "2e-3", "--warmup", "100"}));
      QVERIFY2(t.exitCode == 0, t.err.constData());
    }
    const Run r = pretrain(
        {"fill", "--run", path(run), "--text", "The quick [MASK] fox jumps over the lazy dog.", "--json"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject mask = r.json()["masks"].toArray()[0].toObject();
    QCOMPARE(mask["index"].toInt(), 2);
    QCOMPARE(mask["candidates"].toArray()[0].toObject()["text"].toString(), QString("brown"));
  }

  void generateAndEval() {
    const Run g = pretrain({"generate", "--run", path("clm"), "--prompt", "I love to eat", "--max-new-tokens",
                            "8", "--temperature", "0"});
    QVERIFY2(g.exitCode == 0, g.err.constData());
    QVERIFY2(g.out.startsWith("I love to eat pizza with cheese"), g.out.constData());
    const Run e = pretrain({"eval", "--run", path("clm"), "--json"});
    QVERIFY2(e.exitCode == 0, e.err.constData());
    const QJsonObject j = e.json();
    QVERIFY(j["loss"].toDouble() > 0 && j["loss"].toDouble() < 1.5);
    QCOMPARE(j["perplexity"].toDouble(), std::exp(j["loss"].toDouble()));
    QVERIFY(j["bits_per_byte"].toDouble() > 0);
    QVERIFY(j["tokens"].toInt() > 0);
    QCOMPARE(j["loss_kind"].toString(), QString("next-token cross-entropy"));
    // On another corpus, tokenized with the run's tokenizer.
    testdata::writeFile(path("other.txt"), testdata::missionCorpus(20, 77));
    const Run o = pretrain({"eval", "--run", path("clm"), "--corpus", path("other.txt"), "--json"});
    QVERIFY2(o.exitCode == 0, o.err.constData());
    QVERIFY(o.json()["tokens"].toInt() > j["tokens"].toInt() / 4);
    const Run m = pretrain({"eval", "--run", path("mlm"), "--json"});
    QCOMPARE(m.json()["loss_kind"].toString(), QString("masked-token cross-entropy (fixed masks)"));
  }

  // The timeline: the log-spaced snapshots of a 300-step run, and the model of an early step, which
  // has not learned "cheese" yet.
  void snapshotsAndSteps() {
    const Run s = pretrain({"snapshots", "--run", path("clm"), "--json"});
    QVERIFY2(s.exitCode == 0, s.err.constData());
    QCOMPARE(s.json()["steps"].toArray(), (QJsonArray{0, 1, 2, 4, 8, 16, 32, 64, 128, 256}));
    QVERIFY(s.json()["bytes"].toInteger() > 0);
    const auto top = [&](const char* step) {
      const Run n = pretrain(
          {"next", "--run", path("clm"), "--prompt", "I love to eat pizza with", "--step", step, "--json"});
      return n.json()["candidates"].toArray()[0].toObject()["text"].toString();
    };
    QVERIFY(top("0") != "cheese");
    QCOMPARE(top("300"), QString("cheese"));
  }

  // The views inside the model: the lens's last layer is the model's answer; attention rows are
  // distributions over the pieces before them.
  void lensAndAttention() {
    const QStringList prompt = {"--run", path("clm"), "--prompt", "I love to eat pizza with", "--json"};
    const Run lens = pretrain(QStringList{"lens"} + prompt);
    QVERIFY2(lens.exitCode == 0, lens.err.constData());
    const QJsonArray pieces = lens.json()["pieces"].toArray(), layers = lens.json()["layers"].toArray();
    QCOMPARE(pieces.first().toString(), QString("</s>"));  // A causal prompt is read as a document's start.
    QCOMPARE(layers.size(), 2);
    QCOMPARE(layers.last().toArray().size(), pieces.size());
    const QJsonObject cell = layers.last().toArray().last().toObject();
    QCOMPARE(cell["text"].toString(), QString("cheese"));
    // A candidate reads the same in every command's JSON (cli/candidate_json.h): as `next` writes one.
    const Run next = pretrain(QStringList{"next"} + prompt);
    const QJsonObject top = next.json()["candidates"].toArray().first().toObject();
    QCOMPARE(top.keys(), (QStringList{"id", "prob", "text", "token"}));
    for (const QString& key : top.keys()) QVERIFY2(cell.contains(key), qPrintable(key));
    QCOMPARE(cell["token"].toString(), top["token"].toString());
    const Run attention = pretrain(QStringList{"attention"} + prompt);
    QVERIFY2(attention.exitCode == 0, attention.err.constData());
    for (const QJsonValue& layer : attention.json()["layers"].toArray())
      for (const QJsonValue& head : layer.toObject()["heads"].toArray()) {
        const QJsonArray rows = head.toArray();
        QCOMPARE(rows.size(), pieces.size());
        for (int q = 0; q < rows.size(); ++q) {
          double sum = 0;
          for (int k = 0; k < rows[q].toArray().size(); ++k) {
            sum += rows[q].toArray()[k].toDouble();
            if (k > q) QCOMPARE(rows[q].toArray()[k].toDouble(), 0.0);
          }
          QVERIFY(std::abs(sum - 1) < 1e-5);
        }
      }
  }

  // Two models on one prompt: a run against itself differs by nothing; its first and last steps by a lot,
  // the early one more surprised at "cheese" after "pizza with".
  void comparingTwoModels() {
    const QString prompt = "I love to eat pizza with cheese";
    const Run same = pretrain(
        {"compare", "--run", path("clm"), "--step", "128", "--step-b", "128", "--prompt", prompt, "--json"});
    QVERIFY2(same.exitCode == 0, same.err.constData());
    QCOMPARE(same.json()["kl_bits"].toDouble(), 0.0);
    for (const QJsonValue& piece : same.json()["pieces"].toArray())
      QCOMPARE(piece.toObject()["bits_a"].toDouble(), piece.toObject()["bits_b"].toDouble());
    const Run apart = pretrain(
        {"compare", "--run", path("clm"), "--step", "0", "--prompt", prompt, "--json"});  // B: latest.
    QVERIFY2(apart.exitCode == 0, apart.err.constData());
    QVERIFY(apart.json()["kl_bits"].toDouble() > 0.5);
    const QJsonObject cheese = apart.json()["pieces"].toArray().last().toObject();
    QCOMPARE(cheese["text"].toString().trimmed(), QString("cheese"));
    QVERIFY(cheese["bits_a"].toDouble() > cheese["bits_b"].toDouble() + 1);
    // Without a prompt, the race to a loss: a run against itself needs the same tokens (ratio 1), reaching
    // its loss at its first evaluation at or after a tenth of its 300 steps.
    const Run race = pretrain({"compare", "--run", path("clm"), "--json"});
    QVERIFY2(race.exitCode == 0, race.err.constData());
    const QJsonObject r = race.json()["race"].toObject();
    QCOMPARE(r["target_step"].toInt(), 100);
    QCOMPARE(r["ratio"].toDouble(), 1.0);
    QVERIFY(!race.json().contains("kl_bits"));
  }

  // Fine-tuning: a new run from the 300-step run's weights and tokenizer, on another corpus, with the
  // fine-tuning defaults; a shape given with it is refused in one line.
  void fineTuneFromARun() {
    testdata::writeFile(path("other.txt"), testdata::missionCorpus(50, 99));
    const Run r = pretrain({"train", "--corpus", path("other.txt"), "--out", path("tuned"), "--init-from",
                            path("clm"), "--steps", "20", "--threads", "2", "--json"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QFile config(path("tuned/config.json"));
    QVERIFY(config.open(QIODevice::ReadOnly));
    const QJsonObject c = QJsonDocument::fromJson(config.readAll()).object();
    QCOMPARE(c["init_from"].toObject()["step"].toInt(), 300);
    QCOMPARE(c["train"].toObject()["lr"].toDouble(), 3e-4);  // The fine-tuning defaults.
    QCOMPARE(c["train"].toObject()["warmup"].toInt(), 20);
    QCOMPARE(c["model"].toObject()["layers"].toInt(), 2);  // The parent's shape, not the preset's.
    const Run shaped = pretrain({"train", "--corpus", path("other.txt"), "--out", path("tuned2"),
                                 "--init-from", path("clm"), "--preset", "small"});
    QCOMPARE(shaped.exitCode, 2);
    QVERIFY2(shaped.err.contains("cannot be set with --init-from") && shaped.err.count('\n') == 1,
             shaped.err.constData());

    // Its twin from random weights, and the race of the two.
    const Run twin = pretrain({"train", "--scratch-twin-of", path("tuned"), "--out", path("twin"), "--json"});
    QVERIFY2(twin.exitCode == 0, twin.err.constData());
    QFile twinConfig(path("twin/config.json"));
    QVERIFY(twinConfig.open(QIODevice::ReadOnly));
    const QJsonObject t = QJsonDocument::fromJson(twinConfig.readAll()).object();
    QVERIFY(!t.contains("init_from"));
    QCOMPARE(t["tokenizer_hash"], c["tokenizer_hash"]);
    QCOMPARE(t["model"], c["model"]);
    QCOMPARE(t["train"].toObject()["steps"].toInt(), 20);
    QFile parentConfig(path("clm/config.json"));
    QVERIFY(parentConfig.open(QIODevice::ReadOnly));
    QCOMPARE(t["train"].toObject()["lr"],  // The parent's, from scratch.
             QJsonDocument::fromJson(parentConfig.readAll()).object()["train"].toObject()["lr"]);
    const Run race = pretrain({"compare", "--run", path("tuned"), "--run-b", path("twin")});
    QVERIFY2(race.exitCode == 0 && race.out.contains("race to A's validation loss"), race.err.constData());
    const Run copied =
        pretrain({"train", "--scratch-twin-of", path("tuned"), "--out", path("twin2"), "--steps", "5"});
    QCOMPARE(copied.exitCode, 2);
    QVERIFY2(copied.err.contains("--steps cannot be set with --scratch-twin-of"), copied.err.constData());
    const Run notTuned = pretrain({"train", "--scratch-twin-of", path("clm"), "--out", path("twin3")});
    QCOMPARE(notTuned.exitCode, 1);
    QVERIFY2(notTuned.err.contains("not fine-tuned") && notTuned.err.count('\n') == 1,
             notTuned.err.constData());
  }

  void aSignalThenResumeEqualsUninterrupted_data() {
    QTest::addColumn<int>("signal");
    QTest::newRow("Ctrl-C") << int(SIGINT);
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGHUP (the terminal closed)") << int(SIGHUP);
  }
  void aSignalThenResumeEqualsUninterrupted() {
    QFETCH(int, signal);
    const QStringList settings = {"--steps", "60", "--eval-every", "1000", "--save-every", "1000"};
    if (!QFile::exists(path("whole/config.json")))
      QVERIFY(pretrain(trainArgs("whole", settings)).exitCode == 0);
    const QString split = QString("split-%1").arg(signal);
    QProcess p;
    p.start(pretrainPath(), trainArgs(split, settings));
    QVERIFY(p.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(metricLines(path(split)) >= 15, 60000);
    ::kill(pid_t(p.processId()), signal);  // Stop at the next step and save.
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 130);
    const int stoppedAt = metricLines(path(split));
    QVERIFY(stoppedAt < 60);
    QVERIFY(
        QFile::exists(path(split + "/checkpoints/step-%1.safetensors").arg(stoppedAt, 8, 10, QChar('0'))));
    // The command that started the run continues it (as a launcher restarting a job would); or one that
    // evaluates, saves and keeps snapshots at other steps, which changes nothing that is learned (the new
    // cadence is the run's from then on).
    const QStringList cadence = {"--eval-every", "7", "--save-every", "9", "--snapshot-every", "11"};
    const bool sameCommand = signal == SIGINT;
    const Run resumed = pretrain(trainArgs(split, sameCommand ? settings : settings + cadence));
    QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
    QCOMPARE(resumed.json()["start_step"].toInt(), stoppedAt);
    QCOMPARE(testdata::trainLosses(path(split)),
             testdata::trainLosses(path("whole")));  // Step for step, to the last bit.
    if (sameCommand) return;
    QFile config(path(split + "/config.json"));
    QVERIFY(config.open(QIODevice::ReadOnly));
    const QJsonObject train = QJsonDocument::fromJson(config.readAll())["train"].toObject();
    QCOMPARE(train["eval_every"].toInt(), 7);
    QCOMPARE(train["save_every"].toInt(), 9);
    QCOMPARE(train["snapshot_every"].toInt(), 11);
    // The checkpoints kept: the last ones of every 9 steps, and the end's.
    for (const QString& name : QDir(path(split + "/checkpoints")).entryList({"step-*.safetensors"})) {
      const int step = name.mid(5, 8).toInt();
      QVERIFY2(step == 60 || step == stoppedAt || step % 9 == 0, qPrintable(name));
    }
  }

  void killedMidRunLeavesALoadableCheckpoint() {
    // Checkpoint every step and SIGKILL at some point: whatever the kill interrupted, the newest complete
    // checkpoint loads and the run finishes exactly like the uninterrupted one.
    const QStringList settings = {"--steps", "60", "--eval-every", "1000", "--save-every", "1"};
    QProcess p;
    p.start(pretrainPath(), trainArgs("killed", settings));
    QVERIFY(p.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(metricLines(path("killed")) >= 20, 60000);
    // While it trains, SentencePiece is in the tokenizer helper, never in the process that loads LibTorch.
    const QByteArray maps = testdata::procFile(p.processId(), "maps");
    QVERIFY(maps.contains("libtorch"));
    QVERIFY2(!maps.toLower().contains("sentencepiece"), "SentencePiece is mapped into pretrain train");
    QList<qint64> helpers;
    for (const qint64 child : testdata::childrenOf(p.processId()))
      if (testdata::procFile(child, "cmdline")
              .startsWith(QFile::encodeName(QCoreApplication::applicationDirPath()) + "/pretrain-tokenizer"))
        helpers << child;
    QCOMPARE(helpers.size(), 1);
    p.kill();
    QVERIFY(p.waitForFinished(10000));
    // The helper does not outlive a SIGKILL of its parent: its input ends and it exits.
    QTRY_VERIFY_WITH_TIMEOUT(testdata::processEnded(helpers[0]), 5000);
    const Run resumed = pretrain({"train", "--out", path("killed"), "--resume", "--json"});
    QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
    QVERIFY(resumed.json()["start_step"].toInt() >= 19);
    QCOMPARE(testdata::trainLosses(path("killed")), testdata::trainLosses(path("whole")));
  }

  void badInputIsOneLineAndNothingIsDamaged_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("says");
    const QString d = m_dir.path();
    QTest::newRow("missing run") << QStringList{"next", "--run", d + "/nope", "--prompt", "hi"}
                                 << "does not exist";
    QTest::newRow("not a run") << QStringList{"eval", "--run", d} << "is not a run folder";
    QTest::newRow("empty prompt") << QStringList{"next", "--run", d + "/clm", "--prompt", ""}
                                  << "the prompt is empty";
    QTest::newRow("no such step")
        << QStringList{"next", "--run", d + "/clm", "--prompt", "hi", "--step", "3"}
        << "has no checkpoint of step 3; it keeps steps 100, 200, 300, and snapshots "
           "of steps 0, 1, 2, 4, 8, 16, 32, 64, 128, 256";
    QTest::newRow("no mask") << QStringList{"fill", "--run", d + "/clm", "--text", "no mask"}
                             << "has no [MASK]";
    QTest::newRow("too long for the context")
        << QStringList{"fill", "--run", d + "/clm", "--text", "[MASK]" + QString(" the dog").repeated(40)}
        << "more than the model's context of 32";
    QTest::newRow("unknown preset") << QStringList{"train", "--corpus", d + "/mission.txt",
                                                   "--out", d + "/x",   "--preset",
                                                   "huge"}
                                    << "unknown preset 'huge'";
    QTest::newRow("heads do not divide width")
        << QStringList{"train", "--corpus", d + "/mission.txt", "--out", d + "/x", "--heads", "3"}
        << "3 heads do not divide the width 256";
    QTest::newRow("does not fit in memory")
        << QStringList{"train", "--corpus", d + "/mission.txt", "--out", d + "/z",       "--layers", "64",
                       "--dim", "4096",     "--heads",          "32",    "--vocab-size", "400"}
        << "GB short); use a smaller batch, context or model";
    QTest::newRow("bad probe") << QStringList{"train",  "--corpus", d + "/mission.txt", "--out",
                                              d + "/p", "--probe",  "no arrow here"}
                               << "a probe is written TEXT=>TARGET";
    // Continuing a run: flags given must be the run's.
    QTest::newRow("contradicts the run")
        << QStringList{"train", "--corpus", d + "/mission.txt", "--out", d + "/clm", "--batch", "8"}
        << "--batch 8 contradicts the run in " + d + "/clm, which has 16";
    QTest::newRow("another corpus") << QStringList{"train", "--corpus", d + "/other.txt", "--out", d + "/clm"}
                                    << "--corpus " + d + "/other.txt contradicts the run";
    QTest::newRow("nothing to resume")
        << QStringList{"train", "--out", d + "/nope", "--resume"} << "does not exist";
    if (!QFile::exists("/dev/nvidiactl"))  // On a GPU machine (the GPU script's) CUDA is there to be used.
      QTest::newRow("cuda absent") << QStringList{"train", "--corpus",     d + "/mission.txt",
                                                  "--out", d + "/y",       "--device",
                                                  "cuda",  "--vocab-size", "400"}
                                   << "device cuda";
    QTest::newRow("damaged checkpoint")
        << QStringList{"next", "--run", d + "/damaged", "--prompt", "hi"} << "damaged";
  }
  void badInputIsOneLineAndNothingIsDamaged() {
    QFETCH(QStringList, args);
    QFETCH(QString, says);
    // A copy of the trained run whose newest checkpoint is cut in half.
    if (!QFile::exists(path("damaged/config.json"))) {
      QVERIFY(QProcess::execute("cp", {"-r", path("clm"), path("damaged")}) == 0);
      const QString last = path("damaged/checkpoints/step-00000300.safetensors");
      QFile f(last);
      QVERIFY(f.open(QIODevice::ReadOnly));
      const QByteArray half = f.readAll().left(int(f.size() / 2));
      f.close();
      testdata::writeFile(last, half);
    }
    const QByteArray configBefore = [&] {
      QFile f(path("clm/config.json"));
      return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }();
    const Run r = pretrain(args);
    QVERIFY2(r.exitCode == 1, r.err.constData());
    const QByteArray err = r.err.trimmed();
    QVERIFY2(!err.contains('\n'), err.constData());
    QVERIFY2(err.contains(says.toUtf8()), err.constData());
    QFile after(path("clm/config.json"));
    QVERIFY(after.open(QIODevice::ReadOnly));
    QCOMPARE(after.readAll(), configBefore);
    QCOMPARE(metricLines(path("clm")), 300);
  }
};

QTEST_GUILESS_MAIN(TstPretrainTrainCli)
#include "tst_pretrain_train_cli.moc"
