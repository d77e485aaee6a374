#pragma once
// What /proc says about a process, for the tests that check where SentencePiece lives and that helpers
// end with their parents (Linux only, as the project is).

#include <QtCore/QByteArray>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QList>
#include <QtCore/QString>

#include <set>

namespace testdata {

/// /proc/PID/NAME ("self" for this process), empty when it cannot be read.
inline QByteArray procFile(const QString& pid, const char* name) {
  QFile f(QString("/proc/%1/%2").arg(pid).arg(name));
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
inline QByteArray procFile(qint64 pid, const char* name) { return procFile(QString::number(pid), name); }

/// Ended: no such process, or a zombie nobody has waited for yet.
inline bool processEnded(qint64 pid) {
  const QByteArray stat = procFile(pid, "stat");  // "pid (comm) state ppid ..."
  return stat.isEmpty() || stat.mid(stat.lastIndexOf(')') + 2, 1) == "Z";
}

/// Processes whose parent is `pid`.
inline QList<qint64> childrenOf(qint64 pid) {
  QList<qint64> out;
  for (const QString& entry : QDir("/proc").entryList(QDir::Dirs)) {
    bool number = false;
    const qint64 child = entry.toLongLong(&number);
    if (!number) continue;
    const QByteArray stat = procFile(child, "stat");
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.size() > 1 && fields[1].toLongLong() == pid) out << child;
  }
  return out;
}

/// The files `pid` ("self": this process) has mapped whose path contains `part` (case-insensitive).
inline std::set<QString> mappedFiles(const QString& pid, const QString& part) {
  std::set<QString> out;
  for (const QByteArray& line : procFile(pid, "maps").split('\n')) {
    const QString path = QString::fromUtf8(line.mid(line.indexOf('/')));
    if (line.contains('/') && path.contains(part, Qt::CaseInsensitive)) out.insert(path);
  }
  return out;
}

}  // namespace testdata
