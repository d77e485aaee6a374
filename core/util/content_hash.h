#pragma once
// A 64-bit FNV-1a hash used to recognise files again: a corpus's content (cache key of a token store) and
// a tokenizer model (recorded wherever its tokens are stored). Not cryptographic: it detects change, it
// does not defend against forgery.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pretrain {

class ContentHash {
 public:
  void add(const void* data, size_t n);
  void add(std::string_view s) { add(s.data(), s.size()); }
  void addU64(uint64_t v) { add(&v, sizeof v); }
  /// "fnv1a64:" followed by 16 hex digits.
  std::string hex() const;

 private:
  uint64_t m_state = 14695981039346656037ull;
};

/// Hash of a whole file's bytes; throws IoError when it cannot be read.
std::string hashFile(const std::string& path);

}  // namespace pretrain
