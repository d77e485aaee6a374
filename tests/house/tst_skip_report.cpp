// tests/report_skips.sh, which ends packaging/setup.sh test: the skipped functions of every test's Qt Test
// log, by name, with their reasons, then a line counting them; logs without skips add nothing.
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include "test_data.h"

class TstSkipReport : public QObject {
  Q_OBJECT

  static QString report(const QString& dir) {
    QProcess p;
    p.start("bash", {PRETRAIN_SOURCE_DIR "/tests/report_skips.sh", dir});
    if (!p.waitForFinished(30000) || p.exitCode() != 0) return "failed: " + p.readAllStandardError();
    return QString::fromUtf8(p.readAllStandardOutput());
  }

 private Q_SLOTS:
  void namesEachSkippedFunction() {
    QTemporaryDir logs;
    // As Qt Test writes TAP: the class first, then a line per function (and per data row).
    testdata::writeFile(logs.filePath("tst_a.tap"),
                        "TAP version 13\n# TstA\nok 1 - initTestCase()\n"
                        "ok 2 - plain()\nok 3 - cleanupTestCase()\n1..3\n");
    testdata::writeFile(
        logs.filePath("tst_b.tap"),
        "TAP version 13\n# TstB\nok 1 - initTestCase()\n"
        "ok 2 - onGpu() # SKIP no CUDA GPU here\n"
        "ok 3 - rows(causal (after cached keys)) # SKIP LibTorch 1.13 has no fused attention\n"
        "ok 4 - rows(masked) # SKIP LibTorch 1.13 has no fused attention\n"
        "ok 5 - oneRow(CPU) \nok 6 - oneRow(GPU, NCCL) # SKIP no GPU here\n"
        "not ok 7 - broken()\nok 8 - cleanupTestCase()\n1..8\n");
    QCOMPARE(report(logs.path()),
             QString("== Skipped test functions (CTest counts them as passed):\n"
                     "   TstB::onGpu(): no CUDA GPU here\n"
                     "   TstB::rows (2 rows): LibTorch 1.13 has no fused attention\n"
                     "   TstB::oneRow(GPU, NCCL): no GPU here\n"
                     "skipped test functions: 3 (TstB::onGpu, TstB::rows, TstB::oneRow)\n"));
    QFile::remove(logs.filePath("tst_b.tap"));
    QCOMPARE(report(logs.path()), QString("skipped test functions: 0\n"));
  }
};

QTEST_GUILESS_MAIN(TstSkipReport)
#include "tst_skip_report.moc"
