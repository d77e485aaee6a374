#include <QtTest/QTest>

#include "data/text_decoder.h"
#include "util/error.h"

using namespace pretrain;

class TstTextDecoder : public QObject {
  Q_OBJECT

 private:
  // Decodes `in` in chunks of `chunk` bytes.
  static std::string decodeAll(TextEncoding e, const std::string& in, size_t chunk) {
    TextDecoder d(e, "in.txt");
    std::string out;
    for (size_t i = 0; i < in.size(); i += chunk)
      d.decode(in.data() + i, std::min(chunk, in.size() - i), out);
    d.finish(out);
    return out;
  }

 private Q_SLOTS:
  void utf8PassesThroughAtEveryChunkSize() {
    const std::string text = "Crème brûlée 🍕 naïve café — 日本語\n";
    for (size_t chunk = 1; chunk <= text.size(); ++chunk)
      QCOMPARE(decodeAll(TextEncoding::Utf8, text, chunk), text);
  }

  void utf8ByteOrderMarkIsDropped() {
    QCOMPARE(decodeAll(TextEncoding::Utf8, "\xEF\xBB\xBFhello", 2), std::string("hello"));
  }

  void badInputNamesFileAndOffset_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("offset");
    QTest::addColumn<QString>("says");
    QTest::newRow("latin-1 é") << QByteArray("caf\xE9 au lait") << 3 << "Latin-1";
    QTest::newRow("stray continuation") << QByteArray("ab\x80") << 2 << "not valid UTF-8";
    QTest::newRow("overlong slash") << QByteArray("xyz\xC0\xAF") << 3 << "not valid UTF-8";
    QTest::newRow("encoded surrogate") << QByteArray("12\xED\xA0\x80") << 2 << "overlong or out-of-range";
    QTest::newRow("NUL byte (binary)") << QByteArray("PK\x03\x04\x00\x01", 6) << 4 << "binary";
    QTest::newRow("UTF-16 byte-order mark")
        << QByteArray("\xFF\xFEh\x00i\x00", 6) << 0 << "UTF-16 byte-order mark";
    QTest::newRow("cut at the end") << QByteArray("ok \xE2\x82") << 3 << "middle of a character";
  }
  void badInputNamesFileAndOffset() {
    QFETCH(QByteArray, bytes);
    QFETCH(int, offset);
    QFETCH(QString, says);
    for (size_t chunk : {size_t(1), size_t(3), size_t(bytes.size())}) {
      try {
        decodeAll(TextEncoding::Utf8, bytes.toStdString(), chunk);
        QFAIL("no error");
      } catch (const InputError& e) {
        const QString msg = e.what();
        QVERIFY2(msg.startsWith("in.txt: "), qPrintable(msg));
        QVERIFY2(msg.contains(says), qPrintable(msg));
        QVERIFY2(msg.contains(" at byte " + QString::number(offset)), qPrintable(msg));
      }
    }
  }

  void latin1IsConvertedWhenAsked() {
    QCOMPARE(decodeAll(TextEncoding::Latin1, "caf\xE9 na\xEFve \xA9", 2), std::string("café naïve ©"));
  }

  void utf16BothByteOrdersAndSurrogates() {
    // "é🍕" : U+00E9, U+1F355 (D83C DF55)
    const std::string le("\xFF\xFE\xE9\x00\x3C\xD8\x55\xDF", 8);
    const std::string be("\xFE\xFF\x00\xE9\xD8\x3C\xDF\x55", 8);
    const std::string noBom("h\x00i\x00", 4);
    for (size_t chunk : {size_t(1), size_t(3), size_t(8)}) {
      QCOMPARE(decodeAll(TextEncoding::Utf16, le, chunk), std::string("é🍕"));
      QCOMPARE(decodeAll(TextEncoding::Utf16, be, chunk), std::string("é🍕"));
    }
    QCOMPARE(decodeAll(TextEncoding::Utf16, noBom, 1), std::string("hi"));
    QVERIFY_THROWS_EXCEPTION(InputError,
                             decodeAll(TextEncoding::Utf16, std::string("\x3C\xD8\x41\x00", 4), 4));
  }

  void encodingNames() {
    QCOMPARE(parseTextEncoding("UTF-8"), TextEncoding::Utf8);
    QCOMPARE(parseTextEncoding("latin1"), TextEncoding::Latin1);
    QCOMPARE(parseTextEncoding("ISO-8859-1"), TextEncoding::Latin1);
    QCOMPARE(parseTextEncoding("utf_16"), TextEncoding::Utf16);
    QVERIFY_THROWS_EXCEPTION(InputError, parseTextEncoding("ebcdic"));
  }
};

QTEST_GUILESS_MAIN(TstTextDecoder)
#include "tst_text_decoder.moc"
