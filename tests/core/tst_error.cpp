// The one message a person reads for any exception (util/error.h).
#include <torch/torch.h>

#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

#include "util/error.h"

using namespace pretrain;

namespace {

template <typename Throw>
std::string messageOf(Throw doThrow) {
  try {
    doThrow();
  } catch (...) {
    return currentErrorMessage();
  }
  return "nothing thrown";
}

}  // namespace

class TstError : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void everyKindBecomesOneLine() {
    QCOMPARE(messageOf([] { throw InputError("corpus x.txt is empty"); }),
             std::string("corpus x.txt is empty"));
    QCOMPARE(messageOf([] { throw Cancelled(); }), std::string("cancelled"));
    QCOMPARE(messageOf([] { throw std::bad_alloc(); }),
             std::string("out of memory: use a smaller batch, context or model"));
    QCOMPARE(messageOf([] { throw 42; }), std::string("unexpected error of an unknown kind"));
    const std::string json = messageOf([] {
      nlohmann::json j = 1;
      (void)j.get<std::string>();
    });
    QVERIFY2(json.rfind("a JSON file does not have the shape this program writes (", 0) == 0, json.c_str());
    QVERIFY(json.find('\n') == std::string::npos);
  }

  void libtorchLosesItsStackTrace() {
    const std::string m = messageOf([] { torch::zeros({2}).view({3}); });
    QVERIFY2(!m.empty() && m.find('\n') == std::string::npos, m.c_str());
    QVERIFY(m.find("Exception raised from") == std::string::npos);
  }

  void aCauseIsKept() {
    const std::string m = messageOf([] {
      try {
        throw IoError("No space left on device");
      } catch (const std::exception& e) {
        throw IoError("cannot write checkpoint c.pt: " + firstLine(e));
      }
    });
    QCOMPARE(m, std::string("cannot write checkpoint c.pt: No space left on device"));
  }
};

QTEST_GUILESS_MAIN(TstError)
#include "tst_error.moc"
