#include "tokenizer/model_file.h"

#include <cstdint>

#include "util/error.h"

namespace pretrain {
namespace {

// sentencepiece_model.proto: ModelProto.trainer_spec = 2; in TrainerSpec, input = 1 (repeated string),
// model_prefix = 2, num_threads = 16.
constexpr uint64_t kTrainerSpec = 2;
constexpr uint64_t kDropped[] = {1, 2, 16};

enum WireType : uint64_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

class Reader {
 public:
  explicit Reader(std::string_view bytes) : m_bytes(bytes) {}
  bool done() const { return m_at == m_bytes.size(); }
  size_t at() const { return m_at; }

  uint64_t varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const uint8_t byte = uint8_t(take(1)[0]);
      value |= uint64_t(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return value;
    }
    throw IoError("the tokenizer model is damaged (a number longer than 10 bytes)");
  }
  std::string_view take(uint64_t n) {
    if (n > m_bytes.size() - m_at) throw IoError("the tokenizer model is damaged (it ends inside a field)");
    const std::string_view out = m_bytes.substr(m_at, size_t(n));
    m_at += size_t(n);
    return out;
  }
  /// Skips the value of a field of `type`, returning its bytes.
  std::string_view value(uint64_t type) {
    const size_t from = m_at;
    switch (type) {
      case kVarint:
        varint();
        break;
      case kFixed64:
        take(8);
        break;
      case kLengthDelimited:
        take(varint());
        break;
      case kFixed32:
        take(4);
        break;
      default:
        throw IoError("the tokenizer model is damaged (wire type " + std::to_string(type) + ")");
    }
    return m_bytes.substr(from, m_at - from);
  }

 private:
  std::string_view m_bytes;
  size_t m_at = 0;
};

void putVarint(std::string& out, uint64_t v) {
  for (; v >= 0x80; v >>= 7) out.push_back(char(0x80 | (v & 0x7f)));
  out.push_back(char(v));
}

std::string withoutDroppedFields(std::string_view spec) {
  std::string out;
  Reader r(spec);
  while (!r.done()) {
    const size_t start = r.at();
    const uint64_t key = r.varint();
    r.value(key & 7);
    bool dropped = false;
    for (const uint64_t field : kDropped) dropped |= key >> 3 == field;
    if (!dropped) out.append(spec.substr(start, r.at() - start));
  }
  return out;
}

}  // namespace

std::string withoutTrainingPlace(std::string_view model) {
  std::string out;
  Reader r(model);
  while (!r.done()) {
    const size_t start = r.at();
    const uint64_t key = r.varint();
    if (key >> 3 != kTrainerSpec || (key & 7) != kLengthDelimited) {
      r.value(key & 7);
      out.append(model.substr(start, r.at() - start));
      continue;
    }
    const std::string spec = withoutDroppedFields(r.take(r.varint()));
    putVarint(out, key);
    putVarint(out, spec.size());
    out += spec;
  }
  return out;
}

}  // namespace pretrain
