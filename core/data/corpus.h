#pragma once
// A corpus is a list of inputs (.txt files, folders of them, .jsonl files) read as a stream of documents.
// Documents: a .txt file's blank-line-separated blocks (a file without blank lines is one document), each
// JSON line of a .jsonl file. A corpus is either text (.txt, and .jsonl lines with a "text" field) or pairs
// (.jsonl lines with "input" and "output" fields: a pair is a document whose output's lines are marked).
// Nothing is held in memory beyond one line, so corpora of any size stream through in bounded memory.

#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "data/text_decoder.h"
#include "util/content_hash.h"
#include "util/progress.h"

namespace pretrain {

struct CorpusFile {
  enum class Format { Text, JsonLines, Pairs };
  std::string path;
  Format format = Format::Text;
  uint64_t bytes = 0;
};

struct CorpusSpec {
  std::vector<std::string> inputs;             ///< Files and folders, in the order given.
  TextEncoding encoding = TextEncoding::Utf8;  ///< Latin-1/UTF-16 only when the caller asks to convert.
};

/// Lines longer than this are cut (at whitespace where possible) before tokenizing: SentencePiece's trainer
/// silently drops sentences over 4192 bytes, so nothing reaches it that it would drop.
constexpr size_t kMaxLineBytes = 4096;

/// Expands folders (recursively, .txt and .jsonl, sorted, hidden entries skipped) into files. Throws
/// InputError for a missing or unreadable input, a folder without text files, or an empty corpus.
std::vector<CorpusFile> listCorpusFiles(const CorpusSpec& spec);

enum class CorpusKind { Text, Pairs };

/// What `files` hold, told from the .jsonl files' first lines (listCorpusFiles sets each file's format).
/// Throws InputError naming one file of each kind when they are mixed.
CorpusKind corpusKind(const std::vector<CorpusFile>& files);
std::string corpusKindName(CorpusKind kind);  ///< "text" or "pairs"

/// Hash of the raw bytes of `files` (and the encoding they are read with): the token store's cache key.
std::string corpusContentHash(const std::vector<CorpusFile>& files, TextEncoding encoding,
                              const ProgressFn& progress = {});

/// One step of the stream: a line of text of the current document (never longer than the line limit,
/// never containing '\n'), or the end of a document.
struct CorpusEvent {
  enum class Kind { Line, DocumentEnd };
  Kind kind = Kind::Line;
  std::string text;
  bool output = false;  ///< A line of a pair's output: the text the model learns to produce.
};

class CorpusReader {
 public:
  CorpusReader(std::vector<CorpusFile> files, TextEncoding encoding, size_t maxLineBytes = kMaxLineBytes);
  ~CorpusReader();
  CorpusReader(const CorpusReader&) = delete;
  CorpusReader& operator=(const CorpusReader&) = delete;

  /// Next event; false at the end. Throws InputError for text that cannot be decoded (with file and byte
  /// offset) or a bad JSON line (with file and line number: not JSON, or without the fields its file's
  /// format needs), IoError when a file changes while being read.
  bool next(CorpusEvent& event);

  uint64_t bytesRead() const { return m_bytesDone + m_fileOffset; }  ///< Raw bytes consumed so far.
  uint64_t totalBytes() const { return m_totalBytes; }
  uint64_t documents() const { return m_documents; }    ///< Documents ended so far.
  uint64_t splitLines() const { return m_splitLines; }  ///< Lines that were over the limit and got cut.
  /// Same value as corpusContentHash() once the whole corpus has been read.
  std::string contentHash() const { return m_hash.hex(); }

 private:
  bool openNextFile();
  bool fillBuffer();  // Reads and decodes the next chunk; false at end of file.
  void extractLines(bool endOfFile);
  void handleLine(std::string_view line);
  void handleJsonLine(std::string_view line);
  void emitField(const std::string& text, bool output);
  void emitText(std::string_view line, bool output = false);
  void endDocument();

  std::vector<CorpusFile> m_files;
  TextEncoding m_encoding;
  size_t m_maxLineBytes;
  uint64_t m_totalBytes = 0;

  size_t m_fileIndex = 0;
  std::unique_ptr<FILE, int (*)(FILE*)> m_file{nullptr, &std::fclose};
  std::unique_ptr<TextDecoder> m_decoder;
  uint64_t m_fileOffset = 0;
  uint64_t m_bytesDone = 0;
  uint64_t m_lineNumber = 0;
  std::vector<char> m_raw;
  std::string m_text;  // Decoded text not yet cut into lines.
  std::deque<CorpusEvent> m_pending;
  bool m_documentHasText = false;
  bool m_lineWasCut = false;
  uint64_t m_documents = 0;
  uint64_t m_splitLines = 0;
  ContentHash m_hash;
};

}  // namespace pretrain
