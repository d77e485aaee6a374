#pragma once
// Turns a file's bytes into UTF-8 text, chunk by chunk, refusing what is not text. UTF-8 input is
// validated (the error names the byte offset); Latin-1 and UTF-16 are converted only when asked for.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pretrain {

enum class TextEncoding { Utf8, Latin1, Utf16 };

/// "utf-8", "latin-1", "utf-16" (and common spellings) -> encoding; throws InputError for anything else.
TextEncoding parseTextEncoding(std::string_view name);
const char* textEncodingName(TextEncoding e);

class TextDecoder {
 public:
  /// `source` names the input in error messages (usually its path).
  TextDecoder(TextEncoding encoding, std::string source);

  /// Appends the UTF-8 text of the next `n` bytes to `out`. A character split across two calls is carried
  /// over. Throws InputError naming the source and the absolute byte offset of the first bad byte:
  /// NUL bytes (binary data), invalid UTF-8, a UTF-16 byte-order mark in UTF-8 mode, unpaired surrogates.
  void decode(const char* data, size_t n, std::string& out);

  /// Ends the input (appending any text still held back); throws InputError when it stops in the middle
  /// of a character.
  void finish(std::string& out);

  /// Bytes consumed so far.
  uint64_t offset() const { return m_offset; }

 private:
  void decodeChunk(const unsigned char* p, size_t n, std::string& out);
  void decodeUtf8(const unsigned char* p, size_t n, std::string& out);
  void decodeUtf16(const unsigned char* p, size_t n, std::string& out);
  [[noreturn]] void fail(uint64_t offset, const std::string& what, const std::string& hint = "") const;

  TextEncoding m_encoding;
  std::string m_source;
  uint64_t m_offset = 0;   // Absolute offset of the next byte handed to decode().
  bool m_started = false;  // False while the first bytes wait in m_head for byte-order-mark detection.
  std::string m_head;
  std::string m_carry;       // Bytes of an unfinished character from the previous chunk.
  bool m_bigEndian = false;  // UTF-16 byte order, from the byte-order mark (little-endian without one).
  uint32_t m_highSurrogate = 0;
};

/// Appends code point `cp` to `out` as UTF-8.
void appendUtf8(uint32_t cp, std::string& out);

}  // namespace pretrain
