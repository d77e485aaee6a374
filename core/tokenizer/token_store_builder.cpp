#include "tokenizer/token_store_builder.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include <unistd.h>

#include "tokenizer/tokenizer.h"
#include "tokenizer/word_cache_encoder.h"
#include "util/atomic_file.h"
#include "util/content_hash.h"
#include "util/error.h"

namespace fs = std::filesystem;

namespace pretrain {
namespace {

uint64_t countWords(std::string_view s) {
  uint64_t words = 0;
  bool inWord = false;
  for (const char c : s) {
    const bool space = c == ' ' || c == '\t';
    if (!space && !inWord) ++words;
    inWord = !space;
  }
  return words;
}

// One thread's share of a batch: the ids of its events back to back, where each event ends, its words.
// Each thread keeps its own word cache from batch to batch.
struct EncodedRange {
  explicit EncodedRange(const Tokenizer& tok) : encoder(tok) {}
  WordCacheEncoder encoder;
  std::vector<int32_t> ids;
  std::vector<size_t> ends;
  uint64_t words = 0;
};

void encodeRange(const std::vector<CorpusEvent>& events, size_t begin, size_t end, EncodedRange& out) {
  out.ids.clear();
  out.ends.clear();
  out.words = 0;
  std::vector<std::string_view> lines;
  for (size_t i = begin; i < end; ++i)
    if (events[i].kind == CorpusEvent::Kind::Line) {
      lines.push_back(events[i].text);
      out.words += countWords(events[i].text);
    }
  std::vector<int32_t> ids;
  std::vector<size_t> lineEnds;
  out.encoder.encodeLines(lines, ids, lineEnds);
  // Lines in place, and </s> where each document ends.
  size_t line = 0, from = 0;
  for (size_t i = begin; i < end; ++i) {
    if (events[i].kind == CorpusEvent::Kind::Line) {
      out.ids.insert(out.ids.end(), ids.begin() + long(from), ids.begin() + long(lineEnds[line]));
      from = lineEnds[line++];
    } else {
      out.ids.push_back(SpecialTokens::kEos);
    }
    out.ends.push_back(out.ids.size());
  }
}

// A token file written through a buffer, as uint16 or uint32 little-endian.
class TokenWriter {
 public:
  TokenWriter(const std::string& path, int bytesPerToken) : m_path(path), m_bytes(bytesPerToken) {
    m_file.reset(std::fopen(path.c_str(), "wb"));
    if (!m_file) throw IoError("cannot create " + path + ": " + std::strerror(errno));
  }
  void write(const int32_t* ids, size_t n) {
    m_buf.resize(n * size_t(m_bytes));
    unsigned char* p = m_buf.data();
    for (size_t i = 0; i < n; ++i) {
      const uint32_t v = uint32_t(ids[i]);
      for (int b = 0; b < m_bytes; ++b) *p++ = static_cast<unsigned char>(v >> (8 * b));
    }
    if (std::fwrite(m_buf.data(), 1, m_buf.size(), m_file.get()) != m_buf.size())
      throw IoError("cannot write " + m_path + ": " + systemErrorText());
    m_count += n;
  }
  uint64_t count() const { return m_count; }
  void close() {
    if (std::fflush(m_file.get()) != 0 || ::fsync(fileno(m_file.get())) != 0)
      throw IoError("cannot write " + m_path + ": " + systemErrorText());
    m_file.reset();
  }

 private:
  std::string m_path;
  int m_bytes;
  std::unique_ptr<FILE, int (*)(FILE*)> m_file{nullptr, &std::fclose};
  std::vector<unsigned char> m_buf;
  uint64_t m_count = 0;
};

bool isValidationDocument(uint64_t index, double fraction) {
  return std::floor(double(index + 1) * fraction) > std::floor(double(index) * fraction);
}

// When the corpus has too few documents to hold some out, the last tokens of the train file become the
// validation set instead.
void moveTailToValidation(const std::string& trainPath, const std::string& validationPath,
                          uint64_t tailTokens, int bytesPerToken) {
  const uint64_t trainBytes = fs::file_size(trainPath);
  const uint64_t tailBytes = tailTokens * uint64_t(bytesPerToken);
  std::vector<char> tail(tailBytes);
  std::unique_ptr<FILE, int (*)(FILE*)> in(std::fopen(trainPath.c_str(), "rb"), &std::fclose);
  if (!in || std::fseek(in.get(), long(trainBytes - tailBytes), SEEK_SET) != 0 ||
      std::fread(tail.data(), 1, tailBytes, in.get()) != tailBytes)
    throw IoError("cannot read back " + trainPath);
  in.reset();
  std::unique_ptr<FILE, int (*)(FILE*)> out(std::fopen(validationPath.c_str(), "wb"), &std::fclose);
  if (!out || std::fwrite(tail.data(), 1, tailBytes, out.get()) != tailBytes || std::fflush(out.get()) != 0)
    throw IoError("cannot write " + validationPath + ": " + systemErrorText());
  out.reset();
  fs::resize_file(trainPath, trainBytes - tailBytes);
}

// Encodes batches of corpus events on all cores; each thread keeps its own word cache from batch to batch.
class ParallelEncoder {
 public:
  ParallelEncoder(const Tokenizer& tokenizer, int threads)
      : m_ranges(threads > 0 ? size_t(threads) : std::max(1u, std::thread::hardware_concurrency()),
                 EncodedRange(tokenizer)) {}

  /// Slices of `batch`, encoded in parallel (the calling thread takes the first); in batch order.
  const std::vector<EncodedRange>& encode(const std::vector<CorpusEvent>& batch) {
    const size_t threads = m_ranges.size();
    m_per = (batch.size() + threads - 1) / threads;
    // An exception in any slice is carried to this thread once every worker has been joined.
    std::vector<std::exception_ptr> failures(threads);
    auto encodeSlice = [&](size_t t) {
      try {
        encodeRange(batch, t * m_per, std::min(batch.size(), (t + 1) * m_per), m_ranges[t]);
      } catch (...) {
        failures[t] = std::current_exception();
      }
    };
    std::vector<std::thread> workers;
    for (size_t t = 1; t < threads && t * m_per < batch.size(); ++t) workers.emplace_back(encodeSlice, t);
    encodeSlice(0);
    for (auto& w : workers) w.join();
    for (const auto& f : failures)
      if (f) std::rethrow_exception(f);
    m_used = m_per == 0 ? 0 : (batch.size() + m_per - 1) / m_per;
    return m_ranges;
  }
  size_t rangesUsed() const { return m_used; }
  size_t eventsPerRange() const { return m_per; }

 private:
  std::vector<EncodedRange> m_ranges;
  size_t m_per = 0, m_used = 0;
};

// The two split files being written, and what the manifest counts on the way.
class SplitWriter {
 public:
  SplitWriter(const std::string& dir, TokenStoreManifest& m, double validationFraction)
      : m_m(m),
        m_fraction(validationFraction),
        m_train(tokenStoreFile(dir, TokenSplit::Train), m.bytesPerToken),
        m_validation(tokenStoreFile(dir, TokenSplit::Validation), m.bytesPerToken),
        m_freq(size_t(m.vocabSize), 0) {
    if (m.kind == "pairs") {
      m_trainPairs.emplace(tokenStorePairsFile(dir, TokenSplit::Train), 4);
      m_validationPairs.emplace(tokenStorePairsFile(dir, TokenSplit::Validation), 4);
    }
  }

  /// Writes one encoded batch in corpus order; a document's tokens all go to one split.
  void write(const std::vector<CorpusEvent>& batch, const ParallelEncoder& encoder,
             const std::vector<EncodedRange>& ranges) {
    for (size_t t = 0; t < encoder.rangesUsed(); ++t) {
      const EncodedRange& r = ranges[t];
      m_m.words += r.words;
      size_t from = 0;
      for (size_t k = 0; k < r.ends.size(); ++k) {
        writeEvent(batch[t * encoder.eventsPerRange() + k], r.ids.data() + from, r.ends[k] - from);
        from = r.ends[k];
      }
    }
  }

  /// Closes both files and fills in the manifest's counts.
  void finish() {
    m_m.tokens = m_train.count() + m_validation.count();
    m_m.trainTokens = m_train.count();
    m_m.validationTokens = m_validation.count();
    m_m.unknownTokens = m_freq[SpecialTokens::kUnk];
    m_train.close();
    m_validation.close();
    if (m_trainPairs) {
      m_trainPairs->close();
      m_validationPairs->close();
    }
  }
  const std::vector<uint64_t>& frequencies() const { return m_freq; }

 private:
  void writeEvent(const CorpusEvent& e, const int32_t* ids, size_t n) {
    const bool held = isValidationDocument(m_document, m_fraction);
    (held ? m_validation : m_train).write(ids, n);
    for (size_t i = 0; i < n; ++i) ++m_freq[size_t(ids[i])];
    // A pair's </s> belongs to its output: the model learns where the output ends.
    m_pairLengths[e.output || e.kind == CorpusEvent::Kind::DocumentEnd ? 1 : 0] += int32_t(n);
    if (e.kind == CorpusEvent::Kind::Line) {
      m_m.textBytes += e.text.size() + 1;
      if (held) m_m.validationTextBytes += e.text.size() + 1;
      return;
    }
    ++(held ? m_m.validationDocuments : m_m.trainDocuments);
    ++m_document;
    if (m_trainPairs) (held ? *m_validationPairs : *m_trainPairs).write(m_pairLengths, 2);
    m_pairLengths[0] = m_pairLengths[1] = 0;
  }

  TokenStoreManifest& m_m;
  double m_fraction;
  TokenWriter m_train, m_validation;
  std::vector<uint64_t> m_freq;
  uint64_t m_document = 0;
  std::optional<TokenWriter> m_trainPairs, m_validationPairs;  // stores of pairs only
  int32_t m_pairLengths[2] = {0, 0};                           // the current pair's input and output tokens
};

// With no document held out (too few documents), the last tokens of the train file become the
// validation set instead.
void splitByTail(const std::string& dir, TokenStoreManifest& m, double validationFraction) {
  m.splitMethod = "tail";
  m.validationTokens = std::max<uint64_t>(1, uint64_t(std::ceil(double(m.tokens) * validationFraction)));
  m.trainTokens = m.tokens - m.validationTokens;
  const std::string train = tokenStoreFile(dir, TokenSplit::Train),
                    validation = tokenStoreFile(dir, TokenSplit::Validation);
  moveTailToValidation(train, validation, m.validationTokens, m.bytesPerToken);
  m.validationTextBytes = uint64_t(double(m.textBytes) * double(m.validationTokens) / double(m.tokens));
  syncFile(train);
  syncFile(validation);
}

std::vector<TokenFrequency> mostFrequent(const std::vector<uint64_t>& freq, const Tokenizer& tokenizer,
                                         int n) {
  std::vector<int32_t> order(freq.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = int32_t(i);
  const size_t top = std::min(order.size(), size_t(std::max(0, n)));
  std::partial_sort(order.begin(), order.begin() + long(top), order.end(), [&](int32_t a, int32_t b) {
    return freq[size_t(a)] > freq[size_t(b)] || (freq[size_t(a)] == freq[size_t(b)] && a < b);
  });
  std::vector<TokenFrequency> out;
  for (size_t i = 0; i < top && freq[size_t(order[i])] > 0; ++i)
    out.push_back({order[i], tokenizer.piece(order[i]), freq[size_t(order[i])]});
  return out;
}

TokenStoreManifest emptyManifest(const std::vector<CorpusFile>& files, TextEncoding encoding,
                                 const Tokenizer& tokenizer, const TokenStoreOptions& options) {
  TokenStoreManifest m;
  m.kind = corpusKindName(corpusKind(files));
  m.tokenizerHash = tokenizer.hash();
  m.vocabSize = tokenizer.vocabSize();
  m.bytesPerToken = m.vocabSize <= 65536 ? 2 : 4;
  m.encoding = textEncodingName(encoding);
  m.validationFraction = options.validationFraction;
  m.splitMethod = "documents";
  for (const auto& f : files) m.sources.push_back(f.path);
  return m;
}

}  // namespace

namespace {

// The store replaces the folder whole (replaceDir), so only a folder that holds nothing but a store's own
// files may be replaced: anything else there was put by someone else, and is not ours to delete.
void checkReplaceable(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return;
  if (!fs::is_directory(dir, ec))
    throw InputError(dir + " is a file, not a token store; move it away or choose another folder");
  std::set<std::string> ours = {"manifest.json"};
  for (const TokenSplit split : {TokenSplit::Train, TokenSplit::Validation}) {
    ours.insert(fs::path(tokenStoreFile(dir, split)).filename().string());
    ours.insert(fs::path(tokenStorePairsFile(dir, split)).filename().string());
  }
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!ours.count(name) || !it->is_regular_file())
      throw InputError(dir + " holds '" + name +
                       "', which this program did not write; move it away or choose another folder");
  }
  if (ec) throw IoError("cannot read folder " + dir + ": " + ec.message());
}

}  // namespace

TokenStoreManifest buildTokenStore(const std::vector<CorpusFile>& files, TextEncoding encoding,
                                   const Tokenizer& tokenizer, const std::string& dir,
                                   const TokenStoreOptions& options, const ProgressFn& progress) {
  if (!(options.validationFraction > 0 && options.validationFraction < 0.5))
    throw InputError("validation fraction must be above 0 and below 0.5");
  checkReplaceable(dir);
  const auto start = std::chrono::steady_clock::now();
  ScratchDir staged(dir + ".building");
  TokenStoreManifest m = emptyManifest(files, encoding, tokenizer, options);
  SplitWriter writer(staged.path(), m, options.validationFraction);
  ParallelEncoder encoder(tokenizer, options.threads);
  CorpusReader reader(files, encoding);
  std::vector<CorpusEvent> batch;
  for (bool more = true; more;) {
    batch.clear();
    size_t batchBytes = 0;
    CorpusEvent ev;
    while (batchBytes < kEncodeBatchBytes && (more = reader.next(ev))) {
      batchBytes += ev.text.size();
      batch.push_back(std::move(ev));
    }
    writer.write(batch, encoder, encoder.encode(batch));
    reportProgress(progress, {"tokenizing", reader.bytesRead(), reader.totalBytes(), "bytes", ""});
  }
  m.contentHash = reader.contentHash();
  m.corpusBytes = reader.totalBytes();
  m.documents = reader.documents();
  m.splitLines = reader.splitLines();
  writer.finish();
  if (m.kind == "pairs") {
    // Pairs are examples, not a stream to cut windows from: the split is by pair, and never by tail.
    if (m.validationDocuments == 0)
      throw InputError("the corpus has " + std::to_string(m.documents) + " pair(s); one in " +
                       std::to_string(int(std::ceil(1 / options.validationFraction))) +
                       " is held out for validation, so it needs at least that many");
    m.trainPairsDigest = hashFile(tokenStorePairsFile(staged.path(), TokenSplit::Train));
    m.validationPairsDigest = hashFile(tokenStorePairsFile(staged.path(), TokenSplit::Validation));
  } else {
    if (m.tokens < options.minTokens)
      throw InputError("the corpus has only " + std::to_string(m.tokens) +
                       " tokens; one training window needs " + std::to_string(options.minTokens));
    if (m.validationDocuments == 0) splitByTail(staged.path(), m, options.validationFraction);
  }
  m.topTokens = mostFrequent(writer.frequencies(), tokenizer, options.topTokens);
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Read back from the disk: what the checksums seal is what was written.
  m.trainDigest = hashFile(tokenStoreFile(staged.path(), TokenSplit::Train));
  m.validationDigest = hashFile(tokenStoreFile(staged.path(), TokenSplit::Validation));
  // The manifest is the store's seal: written last, then the whole folder goes in place at once.
  writeFileAtomic(staged.path() + "/manifest.json", m.toJson());
  replaceDir(staged.path(), dir);
  staged.release();
  return m;
}

}  // namespace pretrain
