// The shape of the house, checked on the source tree (DESIGN.md): the engine's folders depend one way, as
// the data flows, so that each can be understood and changed with only the folders below it in mind;
// the engine never includes Qt, and the UI never includes LibTorch (its headers cost ~25 s per file).
#include <QtCore/QDirIterator>
#include <QtCore/QFile>
#include <QtCore/QRegularExpression>
#include <QtTest/QtTest>

namespace {

// Lowest first: a folder may include itself and the folders before it, never one after it.
const QStringList kCoreLayers = {"util",  "data",  "tokenizer", "compute", "model",
                                 "train", "infer", "run",       "export"};

struct Include {
  QString file;  // relative to the source root
  QString target;
};

QString sourceRoot() { return QStringLiteral(PRETRAIN_SOURCE_DIR); }

QList<Include> includesUnder(const QString& folder) {
  static const QRegularExpression include(QStringLiteral("^\\s*#\\s*include\\s*[<\"]([^>\"]+)[>\"]"));
  QList<Include> out;
  QDirIterator it(sourceRoot() + "/" + folder, {"*.h", "*.cpp"}, QDir::Files, QDirIterator::Subdirectories);
  while (it.hasNext()) {
    const QString path = it.next();
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) continue;
    const QString relative = QDir(sourceRoot()).relativeFilePath(path);
    for (const QByteArray& line : f.readAll().split('\n')) {
      const auto m = include.match(QString::fromUtf8(line));
      if (m.hasMatch()) out.push_back({relative, m.captured(1)});
    }
  }
  return out;
}

}  // namespace

class TestLayers : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void coreFoldersDependOneWay() {
    QStringList violations;
    const QList<Include> includes = includesUnder("core");
    QVERIFY(includes.size() > 100);  // The tree was found.
    for (const Include& inc : includes) {
      const QString from = inc.file.section('/', 1, 1);
      const QString to = inc.target.section('/', 0, 0);
      if (!inc.target.contains('/') || !kCoreLayers.contains(to)) continue;  // system or LibTorch header
      QVERIFY2(kCoreLayers.contains(from), qPrintable("core/" + from + " is not in the list of layers"));
      if (kCoreLayers.indexOf(to) > kCoreLayers.indexOf(from))
        violations << inc.file + " includes " + inc.target + " (" + to + " is above " + from + ")";
    }
    QVERIFY2(violations.isEmpty(), qPrintable(violations.join('\n')));
  }

  void engineHasNoQt() {
    QStringList violations;
    for (const Include& inc : includesUnder("core"))
      if (inc.target.startsWith("Qt") || inc.target.startsWith("ui/") || inc.target.startsWith("qcustomplot"))
        violations << inc.file + " includes " + inc.target;
    QVERIFY2(violations.isEmpty(), qPrintable(violations.join('\n')));
  }

  void interfaceHasNoLibTorch() {
    QStringList violations;
    for (const Include& inc : includesUnder("ui"))
      if (inc.target.startsWith("torch/") || inc.target.startsWith("ATen/") ||
          inc.target.startsWith("c10/") || inc.target == "model/language_model.h" ||
          inc.target == "model/transformer_block.h")
        violations << inc.file + " includes " + inc.target;
    QVERIFY2(violations.isEmpty(), qPrintable(violations.join('\n')));
  }

  // The check itself: an include from a lower folder to a higher one is caught.
  void aViolationIsSeen() {
    QVERIFY(kCoreLayers.indexOf("infer") > kCoreLayers.indexOf("train"));
    QVERIFY(kCoreLayers.indexOf("run") > kCoreLayers.indexOf("infer"));
    QVERIFY(kCoreLayers.indexOf("tokenizer") > kCoreLayers.indexOf("data"));
  }
};

QTEST_GUILESS_MAIN(TestLayers)
#include "tst_layers.moc"
