#pragma once
// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length, a JSON header
// naming each tensor's dtype, shape and byte range, then the tensors' bytes. Its reader executes nothing
// and checks every number against the file before trusting it, which is why checkpoints are stored this
// way (a run folder from someone else must not be able to crash or run code in the app that opens it) and
// why Hugging Face loads models in it. No LibTorch here: the checks are plain arithmetic, testable and
// fuzzable on their own.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace pretrain {

/// Bytes per element of a safetensors dtype ("F32", "BF16", "I64", "U8", ...); 0 for a name it does not know.
size_t safetensorsDtypeSize(std::string_view dtype);

/// One tensor to write: `data` holds its elements, contiguous, little-endian.
struct SafetensorsTensor {
  std::string name;
  std::string dtype;
  std::vector<int64_t> shape;
  const void* data = nullptr;
};

/// One tensor of a file: `begin`/`end` are byte offsets into the data that follows the header.
struct SafetensorsEntry {
  std::string name;
  std::string dtype;
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;
};

/// The metadata key under which writeSafetensorsFile records a checksum of the header and every byte of
/// data, so that damage anywhere in the file is found (the format itself has none).
constexpr const char* kSafetensorsChecksumKey = "checksum";

/// Writes `tensors` and `metadata` (plus the checksum) to `path` so that a full disk or a crash never
/// leaves a short file under that name: through a temporary of its own beside it, every write, the flush
/// and the close checked, the header read back from the disk, then renamed into place. On failure the
/// temporary is removed, `path` is untouched, and IoError says "cannot write <what> <path>: <why>".
/// Tensors are laid out widest element first, so that every tensor's data is aligned to its element size.
void writeSafetensorsFile(const std::string& path, std::vector<SafetensorsTensor> tensors,
                          std::map<std::string, std::string> metadata, const std::string& what);

/// An open safetensors file whose header has been checked: a bounded length, a JSON object, known dtypes,
/// byte ranges that match their shapes and tile the data exactly, and a file size that matches. Tensors
/// are read on demand with pread (no map: a file cut short underneath the reader gives an error, not a
/// SIGBUS).
class SafetensorsFile {
 public:
  /// Throws InputError naming `path` and what is wrong with it, IoError when it cannot be read.
  explicit SafetensorsFile(const std::string& path);
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::string& path() const { return m_path; }
  const std::map<std::string, std::string>& metadata() const { return m_metadata; }
  /// In the order of their data.
  const std::vector<SafetensorsEntry>& entries() const { return m_entries; }
  /// nullptr when there is no tensor of that name.
  const SafetensorsEntry* find(std::string_view name) const;
  /// Copies the entry's bytes into `out` (entry.end - entry.begin bytes). Throws IoError.
  void read(const SafetensorsEntry& entry, void* out) const;
  /// True when the file carries the checksum writeSafetensorsFile records and its contents match it
  /// (reads the whole file).
  bool checksumMatches() const;

 private:
  std::string m_path;
  int m_fd = -1;
  uint64_t m_dataStart = 0;
  std::string m_header;  // The JSON text, for the checksum.
  std::map<std::string, std::string> m_metadata;
  std::vector<SafetensorsEntry> m_entries;
};

}  // namespace pretrain
