#include "util/content_hash.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

// Header-only (inlined): nothing to link, and only the header to carry to a machine without the package.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "util/error.h"

namespace pretrain {
namespace {
constexpr const char* kXxh3Name = "xxh3";
constexpr const char* kFnvName = "fnv1a64";
}  // namespace

struct ContentHash::Xxh3State {
  XXH3_state_t state;
};

ContentHash::ContentHash(HashScheme scheme) : m_scheme(scheme) {
  if (scheme != HashScheme::Xxh3) return;
  m_xxh3 = std::make_unique<Xxh3State>();
  XXH3_64bits_reset(&m_xxh3->state);
}

ContentHash::~ContentHash() = default;

void ContentHash::add(const void* data, size_t n) {
  if (m_xxh3) {
    XXH3_64bits_update(&m_xxh3->state, data, n);
    return;
  }
  const auto* p = static_cast<const unsigned char*>(data);
  uint64_t h = m_fnv;
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  m_fnv = h;
}

std::string ContentHash::hex() const {
  const uint64_t value = m_xxh3 ? XXH3_64bits_digest(&m_xxh3->state) : m_fnv;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s:%016llx", m_xxh3 ? kXxh3Name : kFnvName,
                static_cast<unsigned long long>(value));
  return buf;
}

HashScheme ContentHash::schemeOf(std::string_view digest) {
  const std::string_view name = digest.substr(0, digest.find(':'));
  if (name == kXxh3Name) return HashScheme::Xxh3;
  if (name == kFnvName) return HashScheme::Fnv1a64;
  throw InputError("unknown checksum '" + std::string(digest.substr(0, 40)) +
                   "': written by a newer build? (this one reads xxh3 and fnv1a64)");
}

std::string hashFile(const std::string& path, HashScheme scheme) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw IoError("cannot read " + path + ": " + std::strerror(errno));
  ContentHash h(scheme);
  std::vector<char> buf(1 << 20);
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f.get())) > 0) h.add(buf.data(), n);
  if (std::ferror(f.get())) throw IoError("error reading " + path);
  return h.hex();
}

}  // namespace pretrain
