#include "data/text_decoder.h"

#include <algorithm>
#include <cctype>

#include "util/error.h"

namespace pretrain {
namespace {
constexpr const char* kNotUtf8 = "not valid UTF-8";
constexpr const char* kLatin1Hint = "if the file is Latin-1, choose encoding latin-1 to convert it";
}  // namespace

TextEncoding parseTextEncoding(std::string_view name) {
  std::string n;
  for (char c : name)
    if (c != '-' && c != '_') n += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (n == "utf8") return TextEncoding::Utf8;
  if (n == "latin1" || n == "iso88591") return TextEncoding::Latin1;
  if (n == "utf16") return TextEncoding::Utf16;
  throw InputError("unknown text encoding '" + std::string(name) + "' (use utf-8, latin-1 or utf-16)");
}

const char* textEncodingName(TextEncoding e) {
  switch (e) {
    case TextEncoding::Utf8:
      return "utf-8";
    case TextEncoding::Latin1:
      return "latin-1";
    case TextEncoding::Utf16:
      return "utf-16";
  }
  return "?";
}

void appendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

TextDecoder::TextDecoder(TextEncoding encoding, std::string source)
    : m_encoding(encoding), m_source(std::move(source)) {}

void TextDecoder::fail(uint64_t offset, const std::string& what, const std::string& hint) const {
  throw InputError(m_source + ": " + what + " at byte " + std::to_string(offset) +
                   (hint.empty() ? "" : " (" + hint + ")"));
}

void TextDecoder::decode(const char* data, size_t n, std::string& out) {
  // Hold the first bytes until there are enough to recognise a byte-order mark.
  if (!m_started) {
    m_head.append(data, n);
    if (m_head.size() < 4) return;
    m_started = true;
    const std::string head = std::move(m_head);
    decodeChunk(reinterpret_cast<const unsigned char*>(head.data()), head.size(), out);
    return;
  }
  decodeChunk(reinterpret_cast<const unsigned char*>(data), n, out);
}

void TextDecoder::decodeChunk(const unsigned char* p, size_t n, std::string& out) {
  // Prepend what is left of a character cut by the previous chunk; offsets stay absolute.
  std::string joined;
  if (!m_carry.empty()) {
    joined = m_carry;
    joined.append(reinterpret_cast<const char*>(p), n);
    m_offset -= m_carry.size();
    m_carry.clear();
    p = reinterpret_cast<const unsigned char*>(joined.data());
    n = joined.size();
  }
  switch (m_encoding) {
    case TextEncoding::Utf8:
      decodeUtf8(p, n, out);
      break;
    case TextEncoding::Utf16:
      decodeUtf16(p, n, out);
      break;
    case TextEncoding::Latin1:
      for (size_t i = 0; i < n; ++i) {
        if (p[i] == 0) fail(m_offset + i, "NUL byte", "this looks like a binary file, not text");
        appendUtf8(p[i], out);
      }
      m_offset += n;
      break;
  }
}

void TextDecoder::decodeUtf8(const unsigned char* p, size_t n, std::string& out) {
  size_t i = 0;
  if (m_offset == 0) {
    if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF)))
      fail(0, "UTF-16 byte-order mark", "choose encoding utf-16 to convert the file");
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) i = 3;  // UTF-8 byte-order mark: drop it.
  }
  size_t runStart = i;
  while (i < n) {
    const unsigned char c = p[i];
    if (c >= 0x01 && c < 0x80) {
      ++i;
      continue;
    }
    if (c == 0)
      fail(m_offset + i, "NUL byte", "this looks like a binary file, or UTF-16, rather than UTF-8 text");
    size_t len;
    uint32_t minCp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      minCp = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      minCp = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      minCp = 0x10000;
    } else {
      fail(m_offset + i, kNotUtf8, kLatin1Hint);
    }
    if (i + len > n) {  // Cut by the chunk end: check what is there, carry the rest.
      for (size_t k = i + 1; k < n; ++k)
        if ((p[k] & 0xC0) != 0x80) fail(m_offset + i, kNotUtf8, kLatin1Hint);
      break;
    }
    uint32_t cp = c & (0xFF >> (len + 1));
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) fail(m_offset + i, kNotUtf8, kLatin1Hint);
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (cp < minCp || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      fail(m_offset + i, "not valid UTF-8 (overlong or out-of-range sequence)");
    i += len;
  }
  out.append(reinterpret_cast<const char*>(p + runStart), i - runStart);
  m_carry.assign(reinterpret_cast<const char*>(p + i), n - i);
  m_offset += n;
}

void TextDecoder::decodeUtf16(const unsigned char* p, size_t n, std::string& out) {
  size_t i = 0;
  if (m_offset == 0 && n >= 2) {
    if (p[0] == 0xFF && p[1] == 0xFE) i = 2;
    if (p[0] == 0xFE && p[1] == 0xFF) {
      i = 2;
      m_bigEndian = true;
    }
  }
  for (; i + 1 < n; i += 2) {
    const uint32_t u = m_bigEndian ? (p[i] << 8 | p[i + 1]) : (p[i + 1] << 8 | p[i]);
    if (m_highSurrogate) {
      if (u < 0xDC00 || u > 0xDFFF) fail(m_offset + i, "not valid UTF-16 (unpaired surrogate)");
      appendUtf8(0x10000 + ((m_highSurrogate - 0xD800) << 10) + (u - 0xDC00), out);
      m_highSurrogate = 0;
    } else if (u >= 0xD800 && u <= 0xDBFF) {
      m_highSurrogate = u;
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
      fail(m_offset + i, "not valid UTF-16 (unpaired surrogate)");
    } else if (u == 0) {
      fail(m_offset + i, "NUL character", "this looks like a binary file, not UTF-16 text");
    } else {
      appendUtf8(u, out);
    }
  }
  m_carry.assign(reinterpret_cast<const char*>(p + i), n - i);
  m_offset += n;
}

void TextDecoder::finish(std::string& out) {
  if (!m_started) {
    m_started = true;
    const std::string head = std::move(m_head);
    decodeChunk(reinterpret_cast<const unsigned char*>(head.data()), head.size(), out);
  }
  if (!m_carry.empty() || m_highSurrogate)
    fail(m_offset - m_carry.size(), "ends in the middle of a character");
}

}  // namespace pretrain
