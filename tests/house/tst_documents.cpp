// The repository carries its own knowledge: every document a file names (a .md file in a comment, a
// script, a page's link) is in the repository, where someone who cloned it can read it.
#include <QtCore/QDirIterator>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include "test_data.h"

namespace {

const QString kSourceRoot = QStringLiteral(PRETRAIN_SOURCE_DIR);

// What is not the project's own text (build output, data, other packages), and this test, whose planted
// trees name missing documents on purpose.
bool skipped(const QString& relative) {
  static const QStringList kSkipped = {".git/", "build/", "data/", "node_modules/",
                                       ".gl/",  ".whl/",  ".gpu/", "tests/house/tst_documents.cpp"};
  return std::any_of(kSkipped.begin(), kSkipped.end(),
                     [&](const QString& s) { return relative.startsWith(s); });
}

bool isText(const QString& name) {
  static const QStringList kSuffixes = {"h",   "cpp", "cmake", "sh",   "py", "md",
                                        "mjs", "cjs", "json",  "toml", "in"};
  return name == "CMakeLists.txt" || name == "run" || kSuffixes.contains(QFileInfo(name).suffix());
}

// Whether `target` (as a file at `from` names it) is in the tree: from the root, or beside the file.
bool exists(const QString& root, const QString& from, QString target) {
  target = target.section('#', 0, 0);
  if (target.isEmpty()) return true;  // A link within the page.
  const QString beside = QFileInfo(root + "/" + from).path() + "/" + target;
  return QFileInfo::exists(root + "/" + target) || QFileInfo::exists(beside);
}

QStringList missingDocuments(const QString& root) {
  // A .md name anywhere, and in Markdown a link's target (a file, not a web address).
  static const QRegularExpression named(QStringLiteral("([A-Za-z0-9_./-]*[A-Za-z0-9_-]\\.md)\\b"));
  static const QRegularExpression link(QStringLiteral("\\]\\(([^)\\s]+)\\)"));
  QStringList missing;
  QDirIterator it(root, QDir::Files, QDirIterator::Subdirectories);
  while (it.hasNext()) {
    const QString path = it.next();
    const QString relative = QDir(root).relativeFilePath(path);
    if (skipped(relative) || !isText(it.fileName())) continue;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) continue;
    int number = 0;
    for (const QByteArray& bytes : f.readAll().split('\n')) {
      ++number;
      static const QRegularExpression webAddress(QStringLiteral("[a-z]+://\\S+"));
      QString line = QString::fromUtf8(bytes).remove(webAddress);
      // In code, what its comments name (a string in it may be a file it writes, not a document).
      static const QRegularExpression comment(QStringLiteral("(//|#\\s|^#).*$"));
      if (!relative.endsWith(".md")) {
        const auto m = comment.match(line);
        line = m.hasMatch() ? m.captured(0) : QString();
      }
      QStringList targets;
      for (auto m = named.globalMatch(line); m.hasNext();) targets << m.next().captured(1);
      if (relative.endsWith(".md"))
        for (auto m = link.globalMatch(line); m.hasNext();) {
          const QString target = m.next().captured(1);
          if (!target.startsWith("mailto:")) targets << target;
        }
      targets.removeDuplicates();
      for (const QString& target : targets)
        if (!exists(root, relative, target))
          missing << QString("%1:%2 names %3, which is not in the repository")
                         .arg(relative)
                         .arg(number)
                         .arg(target);
    }
  }
  missing.sort();
  return missing;
}

}  // namespace

class TstDocuments : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void everyDocumentNamedIsHere() {
    QVERIFY(QFileInfo::exists(kSourceRoot + "/README.md"));  // The tree was found.
    const QStringList missing = missingDocuments(kSourceRoot);
    QVERIFY2(missing.isEmpty(), qPrintable(missing.join('\n')));
  }

  // The check itself: names of documents that are there pass, one outside the tree and a broken link fail.
  void aMissingDocumentIsSeen() {
    QTemporaryDir tree;
    const auto plant = [&](const QString& file, const QByteArray& text) {
      testdata::writeFile(tree.filePath(file), text);
    };
    plant("README.md",
          "See [the guide](docs/guide.md#pages), [the web](https://example.org/x.md) and [top](#top).\n");
    plant("docs/guide.md", "Back to [the door](../README.md).\n");
    // A name split in two: a search of the repository for documents named outside it should not find this.
    plant("core/a.h",
          "// Why: see docs/guide.md and DESIGN"
          ".md.\n");
    plant("packaging/fetch.sh",
          "write \"SOURCE.md\"  # a file it writes: not a document it names\n# See NOTES.md\n");
    plant("build/release/x.h",
          "// HISTORY"
          ".md\n");  // Build output is not the project's text.
    plant("docs/broken.md", "A [link](missing.md).\n");
    QCOMPARE(missingDocuments(tree.path()),
             QStringList({"core/a.h:1 names DESIGN"
                          ".md, which is not in the repository",
                          "docs/broken.md:1 names missing.md, which is not in the repository",
                          "packaging/fetch.sh:2 names NOTES.md, which is not in the repository"}));
  }
};

QTEST_GUILESS_MAIN(TstDocuments)
#include "tst_documents.moc"
