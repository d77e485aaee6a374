// The safetensors reader and writer (util/safetensors.h) on their own: what is written reads back with the
// layout the format's other readers expect, and every kind of hostile header is refused with one line
// before a byte of tensor data is trusted.
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "util/error.h"
#include "util/safetensors.h"

using namespace pretrain;
namespace fs = std::filesystem;

namespace {

std::string fileOf(const std::string& header, const std::string& data) {
  const uint64_t length = header.size();
  std::string bytes(reinterpret_cast<const char*>(&length), sizeof length);
  return bytes + header + data;
}

void write(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

class TstSafetensors : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  std::string path(const char* name) const { return m_dir.filePath(name).toStdString(); }

  // A file written by writeSafetensorsFile: three tensors of different widths, a scalar and an empty one.
  std::string written() {
    static const std::vector<float> f = {1.5f, -2.0f, 3.25f, 0.0f, 7.0f, 8.0f};
    static const std::vector<int64_t> step = {42};
    static const std::vector<uint8_t> u = {1, 2, 3};
    const std::string p = path("good.safetensors");
    writeSafetensorsFile(p,
                         {{"bytes", "U8", {3}, u.data()},
                          {"weights", "F32", {2, 3}, f.data()},
                          {"step", "I64", {}, step.data()},
                          {"empty", "F32", {0, 4}, nullptr}},
                         {{"format", "pt"}}, "test file");
    return p;
  }

 private Q_SLOTS:
  void writtenFilesReadBack() {
    const SafetensorsFile file(written());
    QCOMPARE(file.entries().size(), size_t(4));
    QCOMPARE(file.metadata().at("format"), std::string("pt"));
    QVERIFY(file.checksumMatches());
    const SafetensorsEntry* w = file.find("weights");
    QVERIFY(w);
    QCOMPARE(w->dtype, std::string("F32"));
    QCOMPARE(w->shape, (std::vector<int64_t>{2, 3}));
    std::vector<float> back(6);
    file.read(*w, back.data());
    QCOMPARE(back, (std::vector<float>{1.5f, -2.0f, 3.25f, 0.0f, 7.0f, 8.0f}));
    int64_t step = 0;
    file.read(*file.find("step"), &step);
    QCOMPARE(step, int64_t(42));
    QCOMPARE(file.find("empty")->end - file.find("empty")->begin, uint64_t(0));
    QVERIFY(!file.find("missing"));
    // The layout other readers expect: data 8-byte aligned, every tensor aligned to its element size.
    const std::string bytes = readAll(file.path());
    uint64_t length = 0;
    std::memcpy(&length, bytes.data(), 8);
    QCOMPARE((8 + length) % 8, uint64_t(0));
    const auto header = nlohmann::json::parse(bytes.substr(8, length));
    QCOMPARE(header["weights"]["data_offsets"][1].get<uint64_t>() -
                 header["weights"]["data_offsets"][0].get<uint64_t>(),
             uint64_t(24));
    for (const SafetensorsEntry& e : file.entries())
      QCOMPARE(e.begin % safetensorsDtypeSize(e.dtype), uint64_t(0));
  }

  void theChecksumFindsDamageAnywhere() {
    const std::string p = written(), good = readAll(p);
    uint64_t length = 0;
    std::memcpy(&length, good.data(), 8);
    // A byte of tensor data, and a metadata value, each changed.
    std::string data = good;
    data[data.size() - 30] ^= 0x01;
    write(p, data);
    QVERIFY(!SafetensorsFile(p).checksumMatches());
    std::string meta = good;
    meta.replace(meta.find("\"pt\""), 4, "\"pu\"");
    write(p, meta);
    QVERIFY(!SafetensorsFile(p).checksumMatches());
  }

  void hostileHeadersAreRefused_data() {
    QTest::addColumn<QByteArray>("bytes");
    const std::string data8(8, '\0');
    auto add = [](const char* name, const std::string& b) {
      QTest::newRow(name) << QByteArray(b.data(), int(b.size()));
    };
    add("empty file", "");
    add("shorter than its length", std::string("\x10\0\0\0\0\0\0\0{}", 10));
    add("a length of 2^63", std::string("\0\0\0\0\0\0\0\x80{}", 10));
    add("a header over 100 MiB", std::string("\x01\0\0\x07\0\0\0\0{}", 10));
    add("not JSON", fileOf("{\"a\": ", ""));
    add("not an object", fileOf("[1, 2]", ""));
    add("unknown dtype",
        fileOf(R"({"a":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}})", std::string(16, 'x')));
    add("negative size",
        fileOf(R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", std::string(4, 'x')));
    add("overflowing shape",
        fileOf(R"({"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,0]}})", ""));
    add("range beyond the file", fileOf(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", data8));
    add("range not matching the shape",
        fileOf(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}})", data8));
    add("reversed range", fileOf(R"({"a":{"dtype":"U8","shape":[0],"data_offsets":[8,0]}})", data8));
    add("overlapping tensors", fileOf(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                      R"("b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                                      data8));
    add("a gap", fileOf(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", data8));
    add("bytes after the last tensor",
        fileOf(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", data8));
    add("metadata not strings", fileOf(R"({"__metadata__":{"step":3}})", ""));
    add("no byte range", fileOf(R"({"a":{"dtype":"F32","shape":[1]}})", std::string(4, 'x')));
    add("offsets that are not numbers",
        fileOf(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":["0","4"]}})", std::string(4, 'x')));
  }
  void hostileHeadersAreRefused() {
    QFETCH(QByteArray, bytes);
    const std::string p = path("hostile.safetensors");
    write(p, bytes.toStdString());
    try {
      SafetensorsFile file(p);
      QFAIL("read without an error");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("hostile.safetensors") && !QString(e.what()).contains('\n'),
               e.what());
    }
  }

  void aFailedWriteLeavesNothing() {
    const std::string p = path("no-such-folder/x.safetensors");
    QVERIFY_THROWS_EXCEPTION(IoError, writeSafetensorsFile(p, {}, {}, "test file"));
    QVERIFY(!fs::exists(path("no-such-folder")));
    // And a good file is never replaced by a failed write of the same name (the temporary is removed).
    const std::string good = written(), before = readAll(good);
    const float f = 1;
    QVERIFY_THROWS_EXCEPTION(Error, writeSafetensorsFile(good, {{"a", "F128", {1}, &f}}, {}, "test file"));
    QCOMPARE(readAll(good), before);
    for (const auto& e : fs::directory_iterator(m_dir.path().toStdString()))
      QVERIFY2(e.path().filename().string().find(".tmp-") == std::string::npos, e.path().c_str());
  }
};

QTEST_GUILESS_MAIN(TstSafetensors)
#include "tst_safetensors.moc"
