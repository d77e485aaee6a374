// pretrain tokenize: corpus -> tokenizer -> token store, then the statistics of the result.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/progress_line.h"
#include "settings/arg_parser.h"
#include "tokenizer/tokenize_corpus.h"

namespace pretrain::cli {
namespace {

nlohmann::json toJson(const TokenizeResult& r, const std::string& dir) {
  const TokenStoreManifest& m = r.manifest;
  nlohmann::json top = nlohmann::json::array();
  for (const auto& t : m.topTokens) top.push_back({{"id", t.id}, {"piece", t.piece}, {"count", t.count}});
  nlohmann::json j = {
      {"out", dir},
      {"kind", m.kind},
      {"bytes", m.corpusBytes},
      {"text_bytes", m.textBytes},
      {"documents", m.documents},
      {"tokens", m.tokens},
      {"words", m.words},
      {"vocab_size", m.vocabSize},
      {"tokenizer_type", r.tokenizerType},
      {"tokens_per_word", m.words ? double(m.tokens - m.documents) / double(m.words) : 0.0},
      {"unk_rate", m.tokens ? double(m.unknownTokens) / double(m.tokens) : 0.0},
      {"split_lines", m.splitLines},
      {"split",
       {{"method", m.splitMethod},
        {"train_tokens", m.trainTokens},
        {"validation_tokens", m.validationTokens},
        {"train_documents", m.trainDocuments},
        {"validation_documents", m.validationDocuments}}},
      {"top_tokens", top},
      {"tokenizer_trained", r.tokenizerTrained.has_value()},
      {"store_reused", r.storeReused},
      {"seconds", r.seconds},
  };
  if (r.tokenizerTrained) {
    const TokenizerReport& t = *r.tokenizerTrained;
    j["tokenizer"] = {{"seconds", t.seconds}, {"sample_bytes", t.sampleBytes}, {"sampled", t.sampled}};
  }
  return j;
}

void printHuman(const TokenizeResult& r, const std::string& dir) {
  const TokenStoreManifest& m = r.manifest;
  auto row = [](const char* label, const std::string& value) {
    std::printf("%-13s %s\n", label, value.c_str());
  };
  row("corpus", formatBytes(double(m.corpusBytes)) + " in " + formatCount(m.sources.size()) + " file(s), " +
                    m.encoding);
  std::string tok = r.tokenizerType.empty() ? "given" : r.tokenizerType;
  tok += ", " + formatCount(uint64_t(m.vocabSize)) + " pieces";
  if (r.tokenizerTrained) {
    const TokenizerReport& t = *r.tokenizerTrained;
    tok +=
        ", trained in " + formatDuration(t.seconds) + " on " +
        (t.sampled ? "a sample of " + formatBytes(double(t.sampleBytes)) : std::string("the whole corpus"));
  } else {
    tok += " (already in the folder)";
  }
  row("tokenizer", tok);
  const bool pairs = m.kind == "pairs";
  row("format",
      pairs ? "input/output pairs (.jsonl): the loss falls on each output's tokens only" : "plain text");
  row(pairs ? "pairs" : "documents", formatCount(m.documents) + " (train " + formatCount(m.trainDocuments) +
                                         ", validation " + formatCount(m.validationDocuments) + ")");
  row("tokens", formatCount(m.tokens) + " (train " + formatCount(m.trainTokens) + ", validation " +
                    formatCount(m.validationTokens) +
                    (m.splitMethod == "tail" ? ", the corpus's last tokens" : "") + "), " +
                    (m.bytesPerToken == 2 ? "uint16" : "uint32"));
  row("words", formatCount(m.words));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", m.words ? double(m.tokens - m.documents) / double(m.words) : 0.0);
  row("tokens/word", buf);
  row("<unk> rate", formatPercent(m.tokens ? double(m.unknownTokens) / double(m.tokens) : 0.0, 3));
  if (m.splitLines) row("long lines", formatCount(m.splitLines) + " cut into pieces (none dropped)");
  std::printf("top tokens\n");
  for (size_t i = 0; i < m.topTokens.size(); ++i) {
    const auto& t = m.topTokens[i];
    std::printf("  %2zu. %s id %-6d %12s  %s\n", i + 1, padRight("\"" + t.piece + "\"", 16).c_str(), t.id,
                formatCount(t.count).c_str(), formatPercent(double(t.count) / double(m.tokens)).c_str());
  }
  row("store", tokenStoreDir(dir) + (r.storeReused ? " (reused: corpus and tokenizer unchanged)" : ""));
  row("time", formatDuration(r.seconds));
}

}  // namespace

int runTokenize(const Args& args) {
  ArgParser p(
      "pretrain tokenize --corpus PATH [--corpus PATH ...] --out DIR [options]",
      "Trains a SentencePiece tokenizer on the corpus (unless DIR already has one) and writes the\n"
      "tokenized corpus into DIR/tokens, then prints its statistics. Inputs: .txt files (documents are\n"
      "separated by blank lines), folders of .txt files (searched recursively), .jsonl files with a\n"
      "\"text\" field per line, or with \"input\" and \"output\" fields per line (pairs: next-word training\n"
      "puts the loss on the output only). Re-running on an unchanged corpus reuses the store.");
  p.required("corpus", "PATH", "a .txt or .jsonl file or a folder; repeat to combine several", true);
  p.required("out", "DIR", "output folder: tokenizer.model, tokenizer-info.json, tokens/");
  p.option("vocab-size", "N", "tokenizer vocabulary size (at least 261: 256 bytes + 5 special tokens)",
           "8000");
  p.option("type", "bpe|unigram", "SentencePiece model type", "bpe");
  p.option("encoding", "NAME", "text encoding of the inputs: utf-8, or latin-1 / utf-16 to convert them",
           "utf-8");
  p.option("sample-mb", "N", "train the tokenizer on at most this many MB of the corpus (a sample)", "16");
  p.option("validation-fraction", "X", "share of documents held out for validation", "0.05");
  p.option("min-tokens", "N", "refuse a corpus with fewer tokens (one training window)", "129");
  p.option("threads", "N", "encoding and training threads; 0 = all cores", "0");
  p.flag("json", "print one JSON object instead of text");
  if (!p.parseOrPrintHelp(args)) return 0;
  CorpusSpec corpus;
  corpus.inputs = p.values("corpus");
  corpus.encoding = parseTextEncoding(p.value("encoding"));
  TokenizeOptions o;
  o.tokenizer.type = parseTokenizerType(p.value("type"));
  o.tokenizer.vocabSize = int(p.integer("vocab-size", 1, 1 << 24));
  o.tokenizer.sampleBytes = uint64_t(p.integer("sample-mb", 1, 1 << 20)) << 20;
  o.tokenizer.threads = int(p.integer("threads", 0, 1024));
  o.tokenizerTypeGiven = p.given("type");
  o.vocabSizeGiven = p.given("vocab-size");
  o.store.validationFraction = p.number("validation-fraction", 0.001, 0.49);
  o.store.minTokens = uint64_t(p.integer("min-tokens", 1, 1LL << 40));
  o.store.threads = o.tokenizer.threads;
  const std::string dir = p.value("out");
  const bool json = p.isSet("json");

  ProgressLine progress(json);
  const TokenizeResult result = tokenizeCorpus(corpus, dir, o, progress.callback());
  progress.finish();
  if (json)
    std::cout << toJson(result, dir).dump() << "\n";
  else
    printHuman(result, dir);
  return 0;
}

}  // namespace pretrain::cli
