#include "tokenizer/tokenizer_trainer.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <thread>

#include "tokenizer/model_file.h"
#include "util/atomic_file.h"
#include "util/child_process.h"
#include "util/error.h"
#include "util/runtime_paths.h"

namespace pretrain {
namespace {

constexpr const char* kHelperName = "pretrain-tokenizer";
constexpr int kUnigramThreads = 4;

// splitmix64: a tiny, well-mixed generator, so the sample depends only on the seed and the line number.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// Reads the corpus once and writes the lines the trainer will see, one per line.
void writeSample(const std::vector<CorpusFile>& files, TextEncoding encoding, const TokenizerOptions& options,
                 const std::string& samplePath, TokenizerReport& report, const ProgressFn& progress) {
  CorpusReader reader(files, encoding);
  report.corpusBytes = reader.totalBytes();
  const double keep =
      std::min(1.0, double(options.sampleBytes) / double(std::max<uint64_t>(1, report.corpusBytes)));
  report.sampled = keep < 1.0;
  const uint64_t threshold = keep >= 1.0 ? UINT64_MAX : uint64_t(keep * 18446744073709551615.0);
  std::ofstream out(samplePath, std::ios::binary);
  CorpusEvent ev;
  uint64_t line = 0;
  while (reader.next(ev)) {
    if (ev.kind != CorpusEvent::Kind::Line) continue;
    if (mix(options.seed ^ (line++ * 0x2545F4914F6CDD1Dull)) <= threshold) {
      out << ev.text << '\n';
      report.sampleBytes += ev.text.size();
      ++report.sampleLines;
    }
    if ((line & 1023) == 0)
      reportProgress(progress, {"sampling corpus", reader.bytesRead(), reader.totalBytes(), "bytes", ""});
  }
  reportProgress(progress, {"sampling corpus", reader.bytesRead(), reader.totalBytes(), "bytes", ""});
  report.splitLines = reader.splitLines();
  out.close();
  if (!out) throw IoError("cannot write the tokenizer sample " + samplePath + ": " + systemErrorText());
  if (report.sampleLines == 0) throw InputError("the corpus has no text to train a tokenizer on");
}

// SentencePiece's own messages, turned into what the user can act on.
[[noreturn]] void throwTrainingError(const std::string& message, const TokenizerOptions& options) {
  std::smatch m;
  if (std::regex_search(message, m, std::regex(R"(smaller than required_chars\. \d+ vs (\d+))")))
    throw InputError("vocabulary size " + std::to_string(options.vocabSize) +
                     " is too small for this corpus: it needs at least " + m[1].str() +
                     " (256 byte pieces, 5 special tokens and the corpus's characters)");
  if (std::regex_search(
          message, m, std::regex(R"(Vocabulary size too high \(\d+\)\. Please set it to a value <= (\d+))")))
    throw InputError("vocabulary size " + std::to_string(options.vocabSize) +
                     " is too large for this corpus: it supports at most " + m[1].str());
  throw Error("tokenizer training failed: " + message);
}

std::vector<std::string> trainerArguments(const std::string& helper, const std::string& samplePath,
                                          const std::string& prefix, const TokenizerOptions& options) {
  // Unigram's EM sums each thread's share of the sample, so its pieces depend on how many threads there
  // are: a fixed number, whatever the machine and --threads, so that the same corpus and settings give the
  // same tokenizer everywhere (BPE's do not depend on it).
  const int threads = options.type == TokenizerType::Unigram ? kUnigramThreads
                      : options.threads > 0                  ? options.threads
                                            : int(std::max(1u, std::thread::hardware_concurrency()));
  return {helper, "train", "--input=" + samplePath, "--model_prefix=" + prefix,
          std::string("--model_type=") + tokenizerTypeName(options.type),
          "--vocab_size=" + std::to_string(options.vocabSize), "--byte_fallback=true",
          // Identity normalisation and kept whitespace: decode(encode(text)) gives back the text exactly.
          "--normalization_rule_name=identity", "--remove_extra_whitespaces=false", "--split_digits=true",
          "--pad_id=0", "--unk_id=1", "--bos_id=2", "--eos_id=3", "--pad_piece=<pad>", "--unk_piece=<unk>",
          "--bos_piece=<s>", "--eos_piece=</s>", "--user_defined_symbols=[MASK]",
          "--num_threads=" + std::to_string(threads), "--minloglevel=0"};
}

// Progress and failures from SentencePiece's log: BPE counts pieces up to the target ("size=N"); unigram
// prunes a large seed vocabulary down to it, so its progress is measured on a log scale.
class TrainerLog {
 public:
  explicit TrainerLog(const TokenizerOptions& options) : m_options(options) {}

  void read(const std::string& line) {
    if (line.rfind("error: ", 0) == 0) m_error = line.substr(7);
    if (!line.empty()) m_last = line;
    static const std::regex sizeRe(R"(\bsize=(\d+))");
    std::smatch m;
    if (!std::regex_search(line, m, sizeRe)) return;
    const double size = std::stod(m[1].str()), target = m_options.vocabSize;
    if (m_options.type == TokenizerType::Bpe) {
      m_progress.done = uint64_t(kSteps * std::min(1.0, size / target));
      return;
    }
    if (m_firstSize == 0) m_firstSize = size;
    if (m_firstSize > target && size < m_firstSize)
      m_progress.done =
          uint64_t(kSteps * std::min(1.0, std::log(m_firstSize / size) / std::log(m_firstSize / target)));
  }
  const Progress& progress() const { return m_progress; }
  /// What the log says went wrong.
  std::string failure(const ChildResult& result) const {
    if (!m_error.empty()) return m_error;
    if (result.signal)
      return "the trainer was ended by signal " + std::to_string(result.signal) + " (" + m_last + ")";
    return m_last;
  }

 private:
  static constexpr uint64_t kSteps = 1000;  // Progress in tenths of a percent.
  const TokenizerOptions& m_options;
  double m_firstSize = 0;
  std::string m_error, m_last;
  Progress m_progress{"training tokenizer", 0, kSteps, "", ""};
};

}  // namespace

TokenizerType parseTokenizerType(const std::string& name) {
  if (name == "bpe") return TokenizerType::Bpe;
  if (name == "unigram") return TokenizerType::Unigram;
  throw InputError("unknown tokenizer type '" + name + "' (use bpe or unigram)");
}

const char* tokenizerTypeName(TokenizerType t) { return t == TokenizerType::Bpe ? "bpe" : "unigram"; }

TokenizerReport trainTokenizer(const std::vector<CorpusFile>& files, TextEncoding encoding,
                               const TokenizerOptions& options, const std::string& modelPath,
                               const ProgressFn& progress) {
  if (options.vocabSize < kMinVocabSize)
    throw InputError("vocabulary size " + std::to_string(options.vocabSize) + " is too small: at least " +
                     std::to_string(kMinVocabSize) +
                     " (256 byte pieces and 5 special tokens) plus the corpus's characters");
  const auto start = std::chrono::steady_clock::now();
  const std::string helper = findRuntimeFile(kHelperName);
  ScratchDir scratch(modelPath + ".training");
  const std::string samplePath = scratch.path() + "/sample.txt";
  const std::string prefix = scratch.path() + "/tokenizer";

  TokenizerReport report;
  report.type = tokenizerTypeName(options.type);
  report.vocabSize = options.vocabSize;
  writeSample(files, encoding, options, samplePath, report, progress);

  TrainerLog log(options);
  const ChildResult result = runChild(
      trainerArguments(helper, samplePath, prefix, options), [&](const std::string& line) { log.read(line); },
      [&] { return !progress || progress(log.progress()); });
  if (result.exitCode != 0) throwTrainingError(log.failure(result), options);
  renameDurably(prefix + ".vocab", modelPath.substr(0, modelPath.rfind('.')) + ".vocab");
  // The same corpus and settings give the same file, wherever and with however many threads it trained.
  std::ifstream trained(prefix + ".model", std::ios::binary);
  const std::string model((std::istreambuf_iterator<char>(trained)), std::istreambuf_iterator<char>());
  if (!trained) throw IoError("cannot read the trained tokenizer " + prefix + ".model: " + systemErrorText());
  writeFileAtomic(modelPath, withoutTrainingPlace(model));
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace pretrain
