// Exporting a run to the Hugging Face layout, checked against implementations that share nothing with the
// engine: Hugging Face's own tokenizers library (Rust, through its npm binding) must give SentencePiece's
// ids for the exported tokenizer.json, and a plain-Python forward pass of GPT2LMHeadModel / BertForMaskedLM
// written from transformers' definitions (tests/reference/hf_forward.py) must give the engine's logits
// within 1e-4. Then what an export must refuse.
#include <torch/torch.h>

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QProcess>
#include <QtCore/QProcessEnvironment>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <filesystem>

#include "export/hf_export.h"
#include "model/language_model.h"
#include "run/open_run.h"
#include "run/training_run.h"
#include "test_data.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/tokenizer_trainer.h"
#include "util/error.h"

using namespace pretrain;

namespace {

// Text that is not plain English words: digits, emoji, other scripts, runs of spaces, a tab, a character
// the tokenizer has never seen (byte fallback: ǅ appears nowhere else), and the mask in the middle.
const QStringList kOddTexts = {
    "Pizza costs 12.50 dollars in 2024, or 1,250 cents.",
    "She said 😀 and then 🍕🍕 twice.",
    "Ελληνικά και 中文 και русский текст.",
    "two  spaces,   three,\ttab and trailing space ",
    "The rare letter ǅ appears once.",
    "The quick [MASK] fox jumps over the lazy dog.",
    "I love to eat pizza with",
};

QByteArray runTool(const QString& program, const QStringList& args, const QByteArray& input) {
  QProcess p;
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.insert("NODE_PATH", PRETRAIN_NPM_MODULES);
  p.setProcessEnvironment(env);
  p.start(program, args);
  if (!p.waitForStarted()) return "cannot start " + program.toUtf8();
  p.write(input);
  p.closeWriteChannel();
  p.waitForFinished(300000);
  if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
    qWarning("%s: %s", qPrintable(program), p.readAllStandardError().constData());
  return p.readAllStandardOutput();
}

std::string errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

class TstHfExport : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  QString path(const QString& name) const { return m_dir.filePath(name); }

  std::string train(const QString& name, Objective objective, TokenizerType type) {
    TrainingRunOptions o;
    o.tokenize.tokenizer.type = type;
    o.runDir = path(name).toStdString();
    o.corpus.inputs = {path("corpus.txt").toStdString()};
    o.tokenize.tokenizer.vocabSize = type == TokenizerType::Unigram ? 350 : 400;  // Unigram finds fewer here.
    o.model.objective = objective;
    o.model.layers = 2, o.model.heads = 2, o.model.dim = 32, o.model.mlpDim = 64, o.model.context = 32;
    o.train.batch = 4, o.train.steps = 20, o.train.warmup = 2, o.train.threads = 2;
    o.train.device = "cpu", o.train.precision = "fp32", o.train.evalEvery = 10, o.train.saveEvery = 10;
    runTraining(o, {});
    return o.runDir;
  }

 private Q_SLOTS:
  void initTestCase() {
    QByteArray corpus = testdata::textCorpus(40, 12);
    for (const QString& odd : kOddTexts.mid(0, 4)) corpus += "\n" + odd.toUtf8();
    testdata::writeFile(path("corpus.txt"), corpus);
  }

  void exportsWhatTheirImplementationsRead_data() {
    QTest::addColumn<int>("objective");
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("tokenizer");
    QTest::newRow("next-word (GPT2LMHeadModel)")
        << int(Objective::Causal) << "clm" << int(TokenizerType::Bpe);
    QTest::newRow("masked (BertForMaskedLM)") << int(Objective::Masked) << "mlm" << int(TokenizerType::Bpe);
    QTest::newRow("unigram tokenizer") << int(Objective::Causal) << "unigram" << int(TokenizerType::Unigram);
  }
  void exportsWhatTheirImplementationsRead() {
    QFETCH(int, objective);
    QFETCH(QString, name);
    QFETCH(int, tokenizer);
    const bool causal = Objective(objective) == Objective::Causal;
    const std::string run = train(name, Objective(objective), TokenizerType(tokenizer));
    const QString out = path(name + "-hf");
    const HfExportResult r = exportHuggingFace(run, out.toStdString());
    QCOMPARE(r.step, int64_t(20));
    QCOMPARE(r.architecture, std::string(causal ? "GPT2LMHeadModel" : "BertForMaskedLM"));
    for (const char* file : {"model.safetensors", "config.json", "tokenizer.json", "tokenizer_config.json",
                             "special_tokens_map.json", "tokenizer.model", "README.md"})
      QVERIFY2(QFile::exists(out + "/" + file), file);
    QCOMPARE(QFile::exists(out + "/generation_config.json"), causal);

    // The tokenizer: Hugging Face's implementation gives SentencePiece's ids.
    const RunModel m = openRunModel(run);
    QStringList texts = kOddTexts;
    QFile corpus(path("corpus.txt"));
    QVERIFY(corpus.open(QIODevice::ReadOnly));
    for (const QByteArray& line : corpus.readAll().split('\n').mid(0, 200))
      if (!line.isEmpty()) texts << QString::fromUtf8(line);
    const QJsonArray theirs =
        QJsonDocument::fromJson(
            runTool("node", {PRETRAIN_SOURCE_DIR "/tests/reference/hf_tokenize.cjs", out + "/tokenizer.json"},
                    QJsonDocument(QJsonArray::fromStringList(texts)).toJson()))
            .array();
    QCOMPARE(theirs.size(), texts.size());
    for (int i = 0; i < texts.size(); ++i) {
      std::vector<int32_t> expected = m.tokenizer->encode(texts[i].toStdString()), got;
      for (const QJsonValue& id : theirs[i].toArray()) got.push_back(int32_t(id.toInt()));
      QVERIFY2(got == expected, qPrintable("ids differ for: " + texts[i]));
    }

    // The model: logits of an independent forward pass, for several prompts.
    QJsonArray prompts;
    std::vector<torch::Tensor> ours;
    for (const QString& text : kOddTexts) {
      std::vector<int64_t> ids;
      for (const int32_t id : m.tokenizer->encode(text.toStdString())) ids.push_back(id);
      ids.resize(std::min<size_t>(ids.size(), 32));
      QJsonArray row;
      for (const int64_t id : ids) row.append(qint64(id));
      prompts.append(row);
      torch::NoGradGuard noGrad;
      ours.push_back(m.model->forward(torch::tensor(ids).unsqueeze(0))[0]);
    }
    const QJsonArray reference =
        QJsonDocument::fromJson(runTool("python3",
                                        {PRETRAIN_SOURCE_DIR "/tests/reference/hf_forward.py", out},
                                        QJsonDocument(prompts).toJson()))
            .array();
    QCOMPARE(reference.size(), prompts.size());
    double worst = 0;
    for (int p = 0; p < prompts.size(); ++p) {
      const QJsonArray rows = reference[p].toArray();
      QCOMPARE(rows.size(), int(ours[size_t(p)].size(0)));
      for (int t = 0; t < rows.size(); ++t) {
        const QJsonArray values = rows[t].toArray();
        QCOMPARE(values.size(), int(ours[size_t(p)].size(1)));
        const torch::Tensor logits = ours[size_t(p)][t].contiguous();
        const float* row = logits.data_ptr<float>();
        for (int v = 0; v < values.size(); ++v)
          worst = std::max(worst, std::abs(values[v].toDouble() - row[v]));
      }
    }
    qInfo("%s: ids identical on %lld texts; logits of %lld prompts within %.2g of the reference",
          qPrintable(name), qlonglong(texts.size()), qlonglong(prompts.size()), worst);
    QVERIFY2(worst < 1e-4, qPrintable(QString::number(worst)));
  }

  void refusesWhatItMustNot() {
    const std::string run = path("clm").toStdString();  // Trained above, checkpoints at 10 and 20.
    const std::string untrained = path("untrained").toStdString();
    std::filesystem::copy(run, untrained, std::filesystem::copy_options::recursive);
    std::filesystem::remove_all(untrained + "/checkpoints");
    QVERIFY(errorOf([&] {
              exportHuggingFace(untrained, path("y").toStdString());
            }).find("has no checkpoint yet; train it first") != std::string::npos);
    QVERIFY(!QFile::exists(path("y")));
    QVERIFY(errorOf([&] {
              exportHuggingFace(run, path("x").toStdString(), 15);
            }).find("no checkpoint of step 15; it keeps steps 10, 20") != std::string::npos);
    // A folder holding something else: refused, and left as it was.
    testdata::writeFile(path("busy/notes.txt"), "mine");
    const std::string busy = errorOf([&] { exportHuggingFace(run, path("busy").toStdString()); });
    QVERIFY2(busy.find("holds notes.txt") != std::string::npos, busy.c_str());
    QCOMPARE(QDir(path("busy")).entryList(QDir::Files), QStringList{"notes.txt"});
    testdata::writeFile(path("a-file"), "mine");
    QVERIFY(!errorOf([&] { exportHuggingFace(run, path("a-file").toStdString()); }).empty());
    // Named with a trailing slash, as shells complete folder names.
    QCOMPARE(exportHuggingFace(run, path("slash").toStdString() + "/").outDir, path("slash").toStdString());
    QVERIFY(QFile::exists(path("slash/model.safetensors")));
    // An earlier export is replaced, by an older step here.
    QCOMPARE(exportHuggingFace(run, path("clm-hf").toStdString(), 10).step, int64_t(10));
    QVERIFY(!QFile::exists(path("clm-hf.tmp-") + QString::number(QCoreApplication::applicationPid())));
  }
};

QTEST_GUILESS_MAIN(TstHfExport)
#include "tst_hf_export.moc"
