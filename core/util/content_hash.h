#pragma once
// Hashes that recognise bytes again: a corpus's content (the cache key of a token store), the token files
// and checkpoints (checked when opened), a tokenizer model (recorded wherever its tokens are stored). Not
// cryptographic: they detect change, they do not defend against forgery.
//
// Two schemes, each named in the text it makes ("xxh3:…", "fnv1a64:…"), so a recorded value is always checked
// with the scheme that made it. XXH3 (xxHash, 64-bit) for everything new: it runs at memory speed where
// FNV-1a takes a multiply per byte. FNV-1a for what builds before it recorded: a tokenizer's identity stays
// FNV-1a, since every run and checkpoint names its tokenizer by it and a new scheme would orphan them.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace pretrain {

enum class HashScheme { Xxh3, Fnv1a64 };

class ContentHash {
 public:
  explicit ContentHash(HashScheme scheme = HashScheme::Xxh3);
  ~ContentHash();
  ContentHash(const ContentHash&) = delete;
  ContentHash& operator=(const ContentHash&) = delete;

  void add(const void* data, size_t n);
  void add(std::string_view s) { add(s.data(), s.size()); }
  void addU64(uint64_t v) { add(&v, sizeof v); }
  /// The scheme's name, ':', and 16 hex digits ("xxh3:0123456789abcdef").
  std::string hex() const;

  /// The scheme that made `digest` (a hex() text). Throws InputError for one this build does not know.
  static HashScheme schemeOf(std::string_view digest);

 private:
  struct Xxh3State;
  HashScheme m_scheme;
  uint64_t m_fnv = 14695981039346656037ull;
  std::unique_ptr<Xxh3State> m_xxh3;
};

/// Hash of a whole file's bytes; throws IoError when it cannot be read.
std::string hashFile(const std::string& path, HashScheme scheme = HashScheme::Xxh3);

/// The hash of a tokenizer model file: its identity in runs, checkpoints and token stores (FNV-1a, above).
inline std::string tokenizerFileHash(const std::string& path) { return hashFile(path, HashScheme::Fnv1a64); }

}  // namespace pretrain
