#pragma once
// What a run folder's metrics.jsonl says, for tests that compare runs.

#include <QtCore/QFile>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QString>

#include <vector>

namespace testdata {

/// Per-step training losses of the run in `runDir`.
inline std::vector<double> trainLosses(const QString& runDir) {
  QFile f(runDir + "/metrics.jsonl");
  if (!f.open(QIODevice::ReadOnly)) return {};
  std::vector<double> out;
  for (const QByteArray& line : f.readAll().split('\n'))
    if (!line.isEmpty()) out.push_back(QJsonDocument::fromJson(line).object()["train_loss"].toDouble());
  return out;
}

}  // namespace testdata
