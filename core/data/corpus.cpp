#include "data/corpus.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "util/error.h"

namespace fs = std::filesystem;

namespace pretrain {
namespace {

constexpr size_t kChunkBytes = 1 << 20;
// A JSON line has to be held whole to be parsed; past this it is more likely a mistake than a document.
constexpr size_t kMaxJsonLineBytes = size_t(256) << 20;

bool isPairsObject(const nlohmann::json& j) {
  return j.is_object() && j.contains("input") && j.contains("output");
}

// A .jsonl file holds pairs when its first non-blank line has "input" and "output" fields: every line is
// then read as a pair (and one that is not is an error naming it).
CorpusFile::Format formatOf(const fs::path& p) {
  if (p.extension() != ".jsonl") return CorpusFile::Format::Text;
  std::ifstream in(p, std::ios::binary);
  std::string line;
  bool atStart = true;  // Where a UTF-8 byte-order mark may be (TextDecoder drops it too).
  for (char c; line.size() < kMaxJsonLineBytes && in.get(c);) {
    if (c != '\n') {
      line += c;
      if (atStart && line.size() == 3) {
        if (line == "\xEF\xBB\xBF") line.clear();
        atStart = false;
      }
    } else if (line.find_first_not_of(" \t\r") != std::string::npos) {
      break;
    } else {
      line.clear();
      atStart = false;
    }
  }
  return isPairsObject(nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false))
             ? CorpusFile::Format::Pairs
             : CorpusFile::Format::JsonLines;
}

bool isHidden(const fs::path& p) { return p.filename().string().rfind('.', 0) == 0; }

bool isBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

// Where to cut a line longer than `limit`: after the last space or tab in its second half, else at the
// last UTF-8 character boundary. Returns {piece length, bytes to skip after it}.
std::pair<size_t, size_t> cutPoint(std::string_view s, size_t limit) {
  for (size_t i = limit; i > limit / 2; --i)
    if (s[i] == ' ' || s[i] == '\t') return {i, 1};
  size_t i = limit;
  while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return {i, 0};
}

// The hash both corpusContentHash() and CorpusReader compute: encoding, then each file's bytes and size.
void hashStart(ContentHash& h, TextEncoding e) { h.add(textEncodingName(e)); }
void hashFileEnd(ContentHash& h, uint64_t bytes) { h.addU64(bytes); }

}  // namespace

std::vector<CorpusFile> listCorpusFiles(const CorpusSpec& spec) {
  if (spec.inputs.empty()) throw InputError("no corpus given");
  std::vector<CorpusFile> files;
  for (const std::string& input : spec.inputs) {
    std::error_code ec;
    const fs::file_status st = fs::status(input, ec);
    if (ec || !fs::exists(st)) throw InputError("cannot read corpus " + input + ": no such file or folder");
    if (fs::is_directory(st)) {
      std::vector<fs::path> found;
      // Symlinked folders are read as the folders they stand for (as a person who made the link expects),
      // each real folder once: a link back up the tree would otherwise never end.
      std::set<fs::path> seen = {fs::weakly_canonical(input, ec)};
      const auto options =
          fs::directory_options::skip_permission_denied | fs::directory_options::follow_directory_symlink;
      for (auto it = fs::recursive_directory_iterator(input, options, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (isHidden(it->path())) {
          if (it->is_directory()) it.disable_recursion_pending();
          continue;
        }
        std::error_code real;
        if (it->is_directory() && !seen.insert(fs::weakly_canonical(it->path(), real)).second) {
          it.disable_recursion_pending();
          continue;
        }
        const auto ext = it->path().extension();
        if (it->is_regular_file() && (ext == ".txt" || ext == ".jsonl")) found.push_back(it->path());
      }
      if (ec) throw InputError("cannot read folder " + input + ": " + ec.message());
      if (found.empty()) throw InputError("folder " + input + " has no .txt or .jsonl files");
      std::sort(found.begin(), found.end());
      for (const auto& p : found) files.push_back({p.string(), formatOf(p), fs::file_size(p)});
    } else {
      // A pipe would block the reader (and has no size to show progress against); a device has no end.
      if (!fs::is_regular_file(st))
        throw InputError("corpus " + input +
                         " is not a regular file (a pipe, device or socket); save it to a file first");
      FILE* probe = std::fopen(input.c_str(), "rb");
      if (!probe) throw InputError("cannot read corpus " + input + ": " + std::strerror(errno));
      std::fclose(probe);
      files.push_back({input, formatOf(input), fs::file_size(input)});
    }
  }
  uint64_t total = 0;
  for (const auto& f : files) total += f.bytes;
  if (total == 0)
    throw InputError(files.size() == 1 ? "corpus file " + files[0].path + " is empty"
                                       : "the corpus is empty");
  corpusKind(files);  // Mixed kinds are refused here, before anything is read.
  return files;
}

CorpusKind corpusKind(const std::vector<CorpusFile>& files) {
  const CorpusFile *pairs = nullptr, *text = nullptr;
  for (const CorpusFile& f : files)
    if (f.bytes > 0) (f.format == CorpusFile::Format::Pairs ? pairs : text) = &f;  // An empty file is either.
  if (pairs && text)
    throw InputError(pairs->path + " holds input/output pairs but " + text->path +
                     " holds plain text; train on one kind at a time");
  return pairs ? CorpusKind::Pairs : CorpusKind::Text;
}

std::string corpusKindName(CorpusKind kind) { return kind == CorpusKind::Pairs ? "pairs" : "text"; }

std::string corpusContentHash(const std::vector<CorpusFile>& files, TextEncoding encoding,
                              const ProgressFn& progress) {
  ContentHash h;
  hashStart(h, encoding);
  uint64_t total = 0, done = 0;
  for (const auto& f : files) total += f.bytes;
  std::vector<char> buf(kChunkBytes);
  for (const auto& f : files) {
    std::unique_ptr<FILE, int (*)(FILE*)> in(std::fopen(f.path.c_str(), "rb"), &std::fclose);
    if (!in) throw IoError("cannot read " + f.path + ": " + std::strerror(errno));
    uint64_t bytes = 0;
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), in.get())) > 0) {
      h.add(buf.data(), n);
      bytes += n;
      done += n;
      reportProgress(progress, {"checking corpus", done, total, "bytes", ""});
    }
    hashFileEnd(h, bytes);
  }
  return h.hex();
}

CorpusReader::CorpusReader(std::vector<CorpusFile> files, TextEncoding encoding, size_t maxLineBytes)
    : m_files(std::move(files)), m_encoding(encoding), m_maxLineBytes(maxLineBytes), m_raw(kChunkBytes) {
  for (const auto& f : m_files) m_totalBytes += f.bytes;
  hashStart(m_hash, encoding);
}

CorpusReader::~CorpusReader() = default;

bool CorpusReader::openNextFile() {
  if (m_fileIndex >= m_files.size()) return false;
  const CorpusFile& f = m_files[m_fileIndex];
  m_file.reset(std::fopen(f.path.c_str(), "rb"));
  if (!m_file) throw IoError("cannot read " + f.path + ": " + std::strerror(errno));
  m_decoder = std::make_unique<TextDecoder>(m_encoding, f.path);
  m_fileOffset = 0;
  m_lineNumber = 0;
  return true;
}

bool CorpusReader::fillBuffer() {
  const size_t n = std::fread(m_raw.data(), 1, m_raw.size(), m_file.get());
  if (n == 0) {
    const CorpusFile& f = m_files[m_fileIndex];
    if (std::ferror(m_file.get())) throw IoError("error reading " + f.path);
    m_decoder->finish(m_text);
    if (m_fileOffset != f.bytes)
      throw IoError(f.path + " changed while it was being read (size " + std::to_string(f.bytes) +
                    " became " + std::to_string(m_fileOffset) + ")");
    return false;
  }
  m_hash.add(m_raw.data(), n);
  m_decoder->decode(m_raw.data(), n, m_text);
  m_fileOffset += n;
  return true;
}

bool CorpusReader::next(CorpusEvent& event) {
  while (m_pending.empty()) {
    if (!m_file && !openNextFile()) return false;
    const bool more = fillBuffer();
    extractLines(!more);
    if (!more) {
      if (m_documentHasText) endDocument();
      hashFileEnd(m_hash, m_fileOffset);
      m_bytesDone += m_fileOffset;
      m_fileOffset = 0;
      m_file.reset();
      ++m_fileIndex;
    }
  }
  event = std::move(m_pending.front());
  m_pending.pop_front();
  return true;
}

void CorpusReader::extractLines(bool endOfFile) {
  const bool json = m_files[m_fileIndex].format != CorpusFile::Format::Text;
  size_t pos = 0;
  for (;;) {
    const size_t nl = m_text.find('\n', pos);
    if (nl == std::string::npos) break;
    std::string_view line(m_text.data() + pos, nl - pos);
    ++m_lineNumber;
    json ? handleJsonLine(line) : handleLine(line);
    m_lineWasCut = false;
    pos = nl + 1;
  }
  m_text.erase(0, pos);
  if (endOfFile && !m_text.empty()) {
    ++m_lineNumber;
    json ? handleJsonLine(m_text) : handleLine(m_text);
    m_lineWasCut = false;
    m_text.clear();
  } else if (json && m_text.size() > kMaxJsonLineBytes) {
    throw InputError(m_files[m_fileIndex].path + ":" + std::to_string(m_lineNumber + 1) +
                     ": JSON line longer than 256 MiB");
  } else if (!json && m_text.size() > m_maxLineBytes) {
    // A very long line (even a whole file without newlines): emit its front now so memory stays bounded.
    while (m_text.size() > m_maxLineBytes) {
      const auto [len, skip] = cutPoint(m_text, m_maxLineBytes);
      emitText(std::string_view(m_text.data(), len));
      m_text.erase(0, len + skip);
      m_lineWasCut = true;
    }
  }
}

void CorpusReader::handleLine(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (isBlank(line) && !m_lineWasCut) {
    if (m_documentHasText) endDocument();
    return;
  }
  if (m_lineWasCut) ++m_splitLines;
  emitText(line);
}

void CorpusReader::handleJsonLine(std::string_view line) {
  if (isBlank(line)) return;
  const std::string where = m_files[m_fileIndex].path + ":" + std::to_string(m_lineNumber);
  const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw InputError(where + ": not valid JSON");
  auto isString = [&](const char* key) { return j.is_object() && j.contains(key) && j[key].is_string(); };
  if (m_files[m_fileIndex].format == CorpusFile::Format::Pairs) {
    // The file's first line made it a file of pairs: every line is one.
    if (!isString("input") || !isString("output"))
      throw InputError(where +
                       ": expected an object with \"input\" and \"output\" string fields, as the "
                       "file's first line has");
    const std::string& output = j["output"].get_ref<const std::string&>();
    if (isBlank(output)) throw InputError(where + ": the pair's \"output\" is empty");
    emitField(j["input"].get_ref<const std::string&>(), false);
    emitField(output, true);
  } else {
    if (!isString("text"))
      throw InputError(where +
                       ": expected an object with a \"text\" string field (or \"input\" and "
                       "\"output\" fields on every line, for pairs)");
    emitField(j["text"].get_ref<const std::string&>(), false);
  }
  if (m_documentHasText) endDocument();
}

void CorpusReader::emitField(const std::string& text, bool output) {
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string_view part(text.data() + pos, nl - pos);
    if (!part.empty() && part.back() == '\r') part.remove_suffix(1);
    if (!isBlank(part)) emitText(part, output);
    pos = nl + 1;
  }
}

void CorpusReader::emitText(std::string_view line, bool output) {
  if (line.size() > m_maxLineBytes && !m_lineWasCut) ++m_splitLines;
  while (line.size() > m_maxLineBytes) {
    const auto [len, skip] = cutPoint(line, m_maxLineBytes);
    m_pending.push_back({CorpusEvent::Kind::Line, std::string(line.substr(0, len)), output});
    line.remove_prefix(len + skip);
  }
  if (!line.empty()) m_pending.push_back({CorpusEvent::Kind::Line, std::string(line), output});
  m_documentHasText = true;
}

void CorpusReader::endDocument() {
  m_pending.push_back({CorpusEvent::Kind::DocumentEnd, {}});
  m_documentHasText = false;
  ++m_documents;
}

}  // namespace pretrain
