// The shape of the house, checked on the source tree (docs/architecture.md): the engine's folders depend one
// way, as the data flows, so that each can be understood and changed with only the folders below it in mind;
// the engine never includes Qt, and the UI never includes LibTorch (its headers cost ~25 s per file).
#include <QtCore/QDirIterator>
#include <QtCore/QFile>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include "test_data.h"

namespace {

// Lowest first: a folder may include itself and the folders before it, never one after it.
const QStringList kCoreLayers = {"util",  "data",  "tokenizer", "compute", "model",
                                 "train", "infer", "run",       "export",  "settings"};
// The studio's: drawing widgets, the threads to the engine, the pages, the window that composes them.
const QStringList kUiLayers = {"plots", "workers", "pages", "playground", "compare", "window"};

struct Include {
  QString file;  // relative to the source root
  QString target;
};

QList<Include> includesUnder(const QString& root, const QString& folder) {
  static const QRegularExpression include(QStringLiteral("^\\s*#\\s*include\\s*[<\"]([^>\"]+)[>\"]"));
  QList<Include> out;
  QDirIterator it(root + "/" + folder, {"*.h", "*.cpp"}, QDir::Files, QDirIterator::Subdirectories);
  while (it.hasNext()) {
    const QString path = it.next();
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) continue;
    const QString relative = QDir(root).relativeFilePath(path);
    for (const QByteArray& line : f.readAll().split('\n')) {
      const auto m = include.match(QString::fromUtf8(line));
      if (m.hasMatch()) out.push_back({relative, m.captured(1)});
    }
  }
  return out;
}

// Each rule, over the source tree at `root`: the includes that break it, one line each.

// The folders of `top` (core, whose headers are included as "run/x.h"; ui, as "ui/pages/x.h") include
// only themselves and the folders below them in `layers`.
QStringList layerViolations(const QString& root, const QString& top, const QStringList& layers) {
  const QString prefix = top == "core" ? QString() : top + "/";
  QStringList violations;
  for (const Include& inc : includesUnder(root, top)) {
    const QString from = inc.file.section('/', 1, 1);
    if (!inc.target.startsWith(prefix)) continue;
    const QString to = inc.target.mid(prefix.size()).section('/', 0, 0);
    if (!inc.target.mid(prefix.size()).contains('/') || !layers.contains(to)) continue;  // another library
    if (!layers.contains(from))
      violations << inc.file + ": " + top + "/" + from + " is not in the list of layers";
    else if (layers.indexOf(to) > layers.indexOf(from))
      violations << inc.file + " includes " + inc.target + " (" + to + " is above " + from + ")";
  }
  violations.sort();  // In file order, whatever order the folder is read in.
  return violations;
}

QStringList qtInEngine(const QString& root) {
  QStringList violations;
  for (const Include& inc : includesUnder(root, "core"))
    if (inc.target.startsWith("Qt") || inc.target.startsWith("ui/") || inc.target.startsWith("qcustomplot"))
      violations << inc.file + " includes " + inc.target;
  violations.sort();  // In file order, whatever order the folder is read in.
  return violations;
}

// The two front ends stand apart on the engine: the studio never includes the command line's code, nor the
// command line the studio's (only the programs' mains in app/ see either).
QStringList frontEndsMixed(const QString& root) {
  QStringList violations;
  for (const Include& inc : includesUnder(root, "ui"))
    if (inc.target.startsWith("cli/") || inc.target.startsWith("app/"))
      violations << inc.file + " includes " + inc.target;
  for (const Include& inc : includesUnder(root, "app/cli"))
    if (inc.target.startsWith("ui/")) violations << inc.file + " includes " + inc.target;
  violations.sort();  // In file order, whatever order the folder is read in.
  return violations;
}

QStringList libTorchInInterface(const QString& root) {
  QStringList violations;
  for (const Include& inc : includesUnder(root, "ui"))
    if (inc.target.startsWith("torch/") || inc.target.startsWith("ATen/") || inc.target.startsWith("c10/") ||
        inc.target == "model/language_model.h" || inc.target == "model/transformer_block.h")
      violations << inc.file + " includes " + inc.target;
  violations.sort();  // In file order, whatever order the folder is read in.
  return violations;
}

const QString kSourceRoot = QStringLiteral(PRETRAIN_SOURCE_DIR);

}  // namespace

class TestLayers : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void coreFoldersDependOneWay() {
    QVERIFY(includesUnder(kSourceRoot, "core").size() > 100);  // The tree was found.
    const QStringList violations = layerViolations(kSourceRoot, "core", kCoreLayers);
    QVERIFY2(violations.isEmpty(), qPrintable(violations.join('\n')));
  }

  void interfaceFoldersDependOneWay() {
    QVERIFY(includesUnder(kSourceRoot, "ui").size() > 100);
    const QStringList violations = layerViolations(kSourceRoot, "ui", kUiLayers);
    QVERIFY2(violations.isEmpty(), qPrintable(violations.join('\n')));
  }

  void frontEndsStandApart() {
    QVERIFY(includesUnder(kSourceRoot, "app").size() > 50);
    const QStringList violations = frontEndsMixed(kSourceRoot);
    QVERIFY2(violations.isEmpty(), qPrintable(violations.join('\n')));
  }

  void engineHasNoQt() {
    const QStringList violations = qtInEngine(kSourceRoot);
    QVERIFY2(violations.isEmpty(), qPrintable(violations.join('\n')));
  }

  void interfaceHasNoLibTorch() {
    const QStringList violations = libTorchInInterface(kSourceRoot);
    QVERIFY2(violations.isEmpty(), qPrintable(violations.join('\n')));
  }

  // The checks themselves: a tree with one planted violation of each rule, beside files that keep them,
  // is caught, and each violation is named by the file that commits it.
  void aViolationIsSeen() {
    QTemporaryDir tree;
    const auto plant = [&](const QString& file, const QByteArray& text) {
      testdata::writeFile(tree.filePath(file), text);
    };
    plant("core/run/fine.cpp", "#include \"train/trainer.h\"\n#include <torch/torch.h>\n");
    plant("core/data/upward.h",
          "#pragma once\n#include \"util/error.h\"\n  #  include \"run/run_folder.h\"\n");
    plant("core/stray/file.cpp", "#include \"util/error.h\"\n");
    plant("core/infer/widget.cpp", "#include <QtWidgets/QWidget>\n");
    plant("ui/pages/fine.cpp", "#include \"infer/predictor.h\"\n#include \"ui/plots/bar_chart.h\"\n");
    plant("ui/pages/heavy.cpp", "#include <torch/torch.h>\n");
    plant("ui/plots/upward.h", "#include \"ui/workers/background_task.h\"\n");
    plant("ui/window/settings.cpp", "#include \"settings/arg_parser.h\"\n#include \"cli/train_options.h\"\n");
    plant("app/cli/widget.cpp", "#include \"run/run_folder.h\"\n#include \"ui/pages/data_page.h\"\n");
    plant("app/pretrain_studio_main.cpp", "#include \"ui/window/main_window.h\"\n");
    QCOMPARE(layerViolations(tree.path(), "core", kCoreLayers),
             QStringList({"core/data/upward.h includes run/run_folder.h (run is above data)",
                          "core/stray/file.cpp: core/stray is not in the list of layers"}));
    QCOMPARE(qtInEngine(tree.path()), QStringList("core/infer/widget.cpp includes QtWidgets/QWidget"));
    QCOMPARE(libTorchInInterface(tree.path()), QStringList("ui/pages/heavy.cpp includes torch/torch.h"));
    QCOMPARE(layerViolations(tree.path(), "ui", kUiLayers),
             QStringList("ui/plots/upward.h includes ui/workers/background_task.h (workers is above plots)"));
    QCOMPARE(frontEndsMixed(tree.path()),
             QStringList({"app/cli/widget.cpp includes ui/pages/data_page.h",
                          "ui/window/settings.cpp includes cli/train_options.h"}));
  }
};

QTEST_GUILESS_MAIN(TestLayers)
#include "tst_layers.moc"
