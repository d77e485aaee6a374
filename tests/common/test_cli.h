#pragma once
// Running the `pretrain` program built beside the test executable, as a person runs it: its exit code,
// standard output and standard error.

#include <QtCore/QByteArray>
#include <QtCore/QCoreApplication>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QString>
#include <QtCore/QStringList>

namespace testdata {

struct Run {
  int exitCode = -1;  // -2: ended by a signal (an abort is one); -3: still running after the time allowed
  QByteArray out, err;
  QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

inline QString pretrainPath() { return QCoreApplication::applicationDirPath() + "/pretrain"; }

/// Runs `program` to its end; one still running after `seconds` is killed.
inline Run runProgram(const QString& program, const QStringList& args, int seconds = 300) {
  QProcess p;
  p.start(program, args);
  if (!p.waitForFinished(seconds * 1000)) {
    p.kill();
    p.waitForFinished();
    return {-3, {}, {}};
  }
  return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, p.readAllStandardOutput(),
          p.readAllStandardError()};
}

inline Run pretrain(const QStringList& args) { return runProgram(pretrainPath(), args); }

}  // namespace testdata
