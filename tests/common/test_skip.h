#pragma once
// Skipping a test that cannot run here. Two kinds:
// - QSKIP: what this machine lacks by its nature (no GPU, a LibTorch without fused attention). CTest counts
//   such a test as passed, so packaging/setup.sh test lists every skipped function at the end of its output
//   (tests/report_skips.sh reads each test's log).
// - PRETRAIN_SKIP_UNLESS_SET_UP: what the README's set-up provides (a program that packaging/install-deps.sh
//   installs, root for a tmpfs). Where that set-up ran as root (packaging/setup.sh test exports
//   PRETRAIN_TESTS_SET_UP=1, as on CI), the missing prerequisite is a failure, not a skip: a test that
//   silently stops running there would look green and check nothing.

#include <QtCore/QtGlobal>
#include <QtTest/QTest>

namespace testdata {

/// Whether the README's set-up has run as root, so that everything it installs or allows must be there.
inline bool setUpForEveryTest() { return qEnvironmentVariableIntValue("PRETRAIN_TESTS_SET_UP") == 1; }

}  // namespace testdata

#define PRETRAIN_SKIP_UNLESS_SET_UP(reason)                                                         \
  do {                                                                                              \
    if (testdata::setUpForEveryTest())                                                              \
      QFAIL(qPrintable(                                                                             \
          QString("%1, but packaging/setup.sh test ran as root here: this must run").arg(reason))); \
    QSKIP(reason);                                                                                  \
  } while (false)
