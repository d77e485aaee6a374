#include "util/safetensors.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "util/atomic_file.h"
#include "util/content_hash.h"
#include "util/error.h"

namespace pretrain {
namespace {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "safetensors is little-endian; tensors are written as they lie in memory");

// The bound the reference implementation puts on a header: nothing a real file needs comes near it, and
// a hostile length cannot make the reader allocate more.
constexpr uint64_t kMaxHeaderBytes = 100ull << 20;
constexpr size_t kChunkBytes = size_t(1) << 20;

using Json = nlohmann::json;

// Element count times element size, or false when it overflows (a hostile shape).
bool byteSize(const std::vector<int64_t>& shape, size_t elementSize, uint64_t& bytes) {
  uint64_t n = elementSize;
  for (const int64_t d : shape) {
    if (d < 0 || (d != 0 && n > UINT64_MAX / uint64_t(d))) return false;
    n *= uint64_t(d);
  }
  bytes = n;
  return true;
}

// What the checksum covers of the header: all of it but the checksum itself, in one canonical form.
std::string headerWithoutChecksum(Json header) {
  const auto meta = header.find("__metadata__");
  if (meta != header.end() && meta->is_object()) meta->erase(kSafetensorsChecksumKey);
  return header.dump();
}

bool readAt(int fd, void* out, size_t size, uint64_t offset) {
  char* p = static_cast<char*>(out);
  while (size > 0) {
    const ssize_t n = ::pread(fd, p, size, off_t(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;  // The file is shorter than when it was opened.
      return false;
    }
    p += n;
    size -= size_t(n);
    offset += uint64_t(n);
  }
  return true;
}

}  // namespace

size_t safetensorsDtypeSize(std::string_view dtype) {
  static const std::map<std::string_view, size_t> sizes = {
      {"F64", 8},  {"I64", 8}, {"U64", 8}, {"F32", 4}, {"I32", 4}, {"U32", 4}, {"F16", 2},
      {"BF16", 2}, {"I16", 2}, {"U16", 2}, {"I8", 1},  {"U8", 1},  {"BOOL", 1}};
  const auto it = sizes.find(dtype);
  return it == sizes.end() ? 0 : it->second;
}

void writeSafetensorsFile(const std::string& path, std::vector<SafetensorsTensor> tensors,
                          std::map<std::string, std::string> metadata, const std::string& what) {
  std::stable_sort(tensors.begin(), tensors.end(),
                   [](const SafetensorsTensor& a, const SafetensorsTensor& b) {
                     return safetensorsDtypeSize(a.dtype) > safetensorsDtypeSize(b.dtype);
                   });
  metadata.erase(kSafetensorsChecksumKey);
  Json header = Json::object();
  header["__metadata__"] = metadata;
  std::vector<uint64_t> sizes;
  uint64_t offset = 0;
  for (const SafetensorsTensor& t : tensors) {
    uint64_t bytes = 0;
    if (safetensorsDtypeSize(t.dtype) == 0 || !byteSize(t.shape, safetensorsDtypeSize(t.dtype), bytes))
      throw Error("cannot write " + what + " " + path + ": tensor " + t.name + " has dtype " + t.dtype +
                  " and a shape that cannot be stored");
    header[t.name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {offset, offset + bytes}}};
    sizes.push_back(bytes);
    offset += bytes;
  }
  ContentHash checksum;
  checksum.add(headerWithoutChecksum(header));
  for (size_t i = 0; i < tensors.size(); ++i) checksum.add(tensors[i].data, sizes[i]);
  header["__metadata__"][kSafetensorsChecksumKey] = checksum.hex();
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // The data starts 8-byte aligned.
  const uint64_t length = text.size();

  std::string tmp;
  const int fd = createTempBeside(path, tmp);
  bool ok = writeAll(fd, &length, sizeof length) && writeAll(fd, text.data(), text.size());
  for (size_t i = 0; ok && i < tensors.size(); ++i) ok = writeAll(fd, tensors[i].data, sizes[i]);
  if (ok) ok = ::fsync(fd) == 0;
  std::string cause = ok ? "" : systemErrorText();
  if (::close(fd) != 0 && cause.empty()) cause = systemErrorText();
  if (cause.empty()) {
    try {
      // Read back what the disk holds: the header, and a size that matches it.
      const SafetensorsFile back(tmp);
      if (back.entries().size() != tensors.size())
        cause = "what was written does not read back";
      else
        renameDurably(tmp, path);
    } catch (const Error& e) {
      cause = e.what();
    }
  }
  if (cause.empty()) return;
  ::unlink(tmp.c_str());
  throw IoError("cannot write " + what + " " + path + ": " + cause);
}

SafetensorsFile::SafetensorsFile(const std::string& path) : m_path(path) {
  m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (m_fd < 0) throw IoError("cannot open " + path + ": " + systemErrorText());
  try {
    struct stat st {};
    if (::fstat(m_fd, &st) != 0) throw IoError("cannot read " + path + ": " + systemErrorText());
    if (!S_ISREG(st.st_mode)) throw InputError(path + " is not a regular file");
    const uint64_t size = uint64_t(st.st_size);
    const auto damaged = [&](const std::string& why) {
      return InputError(path + " is damaged or not a safetensors file (" + why + ")");
    };
    uint64_t length = 0;
    if (size < sizeof length) throw damaged("shorter than a header");
    if (!readAt(m_fd, &length, sizeof length, 0))
      throw IoError("cannot read " + path + ": " + systemErrorText());
    if (length < 2 || length > kMaxHeaderBytes || length > size - sizeof length)
      throw damaged("its header length, " + std::to_string(length) + " bytes, does not fit the file");
    m_header.resize(length);
    if (!readAt(m_fd, m_header.data(), length, sizeof length))
      throw IoError("cannot read " + path + ": " + systemErrorText());
    m_dataStart = sizeof length + length;

    const Json header = Json::parse(m_header, nullptr, /*allow_exceptions=*/false);
    if (!header.is_object()) throw damaged("its header is not a JSON object");
    for (const auto& [name, value] : header.items()) {
      if (name == "__metadata__") {
        if (!value.is_object()) throw damaged("__metadata__ is not an object");
        for (const auto& [key, text] : value.items()) {
          if (!text.is_string()) throw damaged("metadata " + key + " is not a string");
          m_metadata[key] = text.get<std::string>();
        }
        continue;
      }
      const auto dtype = value.find("dtype");
      const auto shape = value.find("shape");
      const auto offsets = value.find("data_offsets");
      if (!value.is_object() || dtype == value.end() || shape == value.end() || offsets == value.end() ||
          !dtype->is_string() || !shape->is_array() || !offsets->is_array() || offsets->size() != 2 ||
          !(*offsets)[0].is_number_unsigned() || !(*offsets)[1].is_number_unsigned())
        throw damaged("tensor " + name + " lacks a dtype, shape or byte range");
      SafetensorsEntry e;
      e.name = name;
      e.dtype = dtype->get<std::string>();
      for (const Json& d : *shape) {
        if (!d.is_number_unsigned())
          throw damaged("tensor " + name + " has a shape that is not a list of sizes");
        e.shape.push_back(int64_t(std::min<uint64_t>(d.get<uint64_t>(), INT64_MAX)));
      }
      e.begin = (*offsets)[0].get<uint64_t>();
      e.end = (*offsets)[1].get<uint64_t>();
      const size_t elementSize = safetensorsDtypeSize(e.dtype);
      if (elementSize == 0) throw damaged("tensor " + name + " has an unknown dtype " + e.dtype);
      uint64_t bytes = 0;
      if (!byteSize(e.shape, elementSize, bytes) || e.end < e.begin || e.end - e.begin != bytes)
        throw damaged("tensor " + name + "'s byte range does not match its shape");
      m_entries.push_back(std::move(e));
    }
    // The byte ranges tile the data exactly: no gaps, no overlaps, nothing after the last (an empty
    // tensor sorts before one that starts where it does).
    std::sort(m_entries.begin(), m_entries.end(), [](const SafetensorsEntry& a, const SafetensorsEntry& b) {
      return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    uint64_t next = 0;
    for (const SafetensorsEntry& e : m_entries) {
      if (e.begin != next) throw damaged("tensor " + e.name + " does not start where the one before it ends");
      next = e.end;
    }
    if (next != size - m_dataStart)
      throw damaged("its data is " + std::to_string(size - m_dataStart) + " bytes but the header names " +
                    std::to_string(next));
  } catch (...) {
    ::close(m_fd);
    throw;
  }
}

SafetensorsFile::~SafetensorsFile() { ::close(m_fd); }

const SafetensorsEntry* SafetensorsFile::find(std::string_view name) const {
  for (const SafetensorsEntry& e : m_entries)
    if (e.name == name) return &e;
  return nullptr;
}

void SafetensorsFile::read(const SafetensorsEntry& entry, void* out) const {
  if (!readAt(m_fd, out, size_t(entry.end - entry.begin), m_dataStart + entry.begin))
    throw IoError("cannot read " + entry.name + " from " + m_path + ": " + systemErrorText());
}

bool SafetensorsFile::checksumMatches() const {
  const auto expected = m_metadata.find(kSafetensorsChecksumKey);
  if (expected == m_metadata.end()) return false;
  ContentHash checksum(ContentHash::schemeOf(expected->second));  // Checkpoints of older builds: FNV-1a.
  checksum.add(headerWithoutChecksum(Json::parse(m_header)));
  std::vector<char> chunk(kChunkBytes);
  const uint64_t end = m_entries.empty() ? 0 : m_entries.back().end;
  for (uint64_t at = 0; at < end;) {
    const size_t n = size_t(std::min<uint64_t>(chunk.size(), end - at));
    if (!readAt(m_fd, chunk.data(), n, m_dataStart + at))
      throw IoError("cannot read " + m_path + ": " + systemErrorText());
    checksum.add(chunk.data(), n);
    at += n;
  }
  return checksum.hex() == expected->second;
}

}  // namespace pretrain
