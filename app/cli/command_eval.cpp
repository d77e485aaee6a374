// pretrain eval: a run's model measured on its validation split or on another corpus.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/progress_line.h"
#include "cli/scratch_path.h"
#include "run/open_run.h"
#include "run/run_folder.h"
#include "run/training_run.h"
#include "settings/arg_parser.h"
#include "tokenizer/tokenize_corpus.h"
#include "util/atomic_file.h"

namespace fs = std::filesystem;

namespace pretrain::cli {
namespace {

// A measurement and what it was measured on, as both outputs say it.
struct EvalReport {
  EvalMetrics metrics;
  std::string lossKind, on;
};

// Two measurements as one: losses weighted by tokens, bits per byte by bytes.
EvalMetrics combine(const EvalMetrics& a, const EvalMetrics& b) {
  auto bytes = [](const EvalMetrics& e) {
    return e.tokens ? e.loss * double(e.tokens) / std::log(2.0) / e.bitsPerByte : 0;
  };
  EvalMetrics c = a;
  c.tokens = a.tokens + b.tokens;
  const double nats = a.loss * double(a.tokens) + b.loss * double(b.tokens);
  c.loss = nats / double(c.tokens);
  c.perplexity = std::exp(c.loss);
  c.bitsPerByte = nats / std::log(2.0) / (bytes(a) + bytes(b));
  c.pairs = a.pairs + b.pairs;
  if (c.pairs > 0)
    c.exactMatch = (a.exactMatch * double(a.pairs) + b.exactMatch * double(b.pairs)) / double(c.pairs);
  return c;
}

// All of another corpus (both of its splits, up to `windows` windows each), tokenized with the run's own
// tokenizer into a scratch folder.
EvalMetrics evaluateOnCorpus(Trainer& trainer, const std::string& runDir, const CorpusSpec& corpus,
                             int windows, ProgressLine& progress) {
  const ScratchDir scratch(scratchPath("eval"));
  fs::copy_file(tokenizerModelPath(RunFolder(runDir).dataDir()), tokenizerModelPath(scratch.path()));
  TokenizeOptions o;
  o.store.minTokens = uint64_t(trainer.modelConfig().context) + 1;  // One window.
  tokenizeCorpus(corpus, scratch.path(), o, progress.callback());
  progress.finish();
  const auto store = std::make_shared<const TokenStore>(tokenStoreDir(scratch.path()));
  return combine(trainer.evaluate(store, TokenSplit::Train, windows, progress.callback()),
                 trainer.evaluate(store, TokenSplit::Validation, windows, progress.callback()));
}

void printJson(const EvalReport& r) {
  const EvalMetrics& e = r.metrics;
  nlohmann::json j = {{"loss", e.loss},
                      {"perplexity", e.perplexity},
                      {"bits_per_byte", e.bitsPerByte},
                      {"tokens", e.tokens},
                      {"step", e.step},
                      {"loss_kind", r.lossKind},
                      {"on", r.on}};
  if (!std::isnan(e.exactMatch)) j["exact_match"] = e.exactMatch;
  std::cout << j.dump() << "\n";
}

void printText(const EvalReport& r) {
  const EvalMetrics& e = r.metrics;
  std::printf("%s at step %lld, on the %s\n", r.lossKind.c_str(), static_cast<long long>(e.step),
              r.on.c_str());
  std::printf("loss        %.4f nats per token\nperplexity  %.2f\nbits/byte   %.4f\ntokens      %s\n", e.loss,
              e.perplexity, e.bitsPerByte, formatCount(e.tokens).c_str());
  if (!std::isnan(e.exactMatch))
    std::printf("exact match %.1f%% of %s pairs' outputs\n", 100 * e.exactMatch,
                formatCount(e.pairs).c_str());
}

}  // namespace

int runEval(const Args& args) {
  ArgParser p(
      "pretrain eval --run RUN_DIR [--corpus PATH] [--json]",
      "Loss, perplexity and bits per byte of a run's latest checkpoint: on the run's validation split, or\n"
      "on another corpus (tokenized with the run's tokenizer). For a masked model the loss is the\n"
      "masked-token loss with fixed masks.");
  p.required("run", "RUN_DIR", "a run folder");
  p.option("corpus", "PATH", "evaluate on this corpus instead (all of it, up to --windows windows)", "",
           true);
  p.option("windows", "N", "at most this many context-length windows", "256");
  p.flag("json", "print one JSON object instead of text");
  if (!p.parseOrPrintHelp(args)) return 0;
  const std::string runDir = p.value("run");
  const int windows = int(p.integer("windows", 1, 1 << 24));
  const bool json = p.isSet("json");
  auto trainer = openRunTrainer(runDir);
  if (RunFolder(runDir).latestCheckpoint().empty())
    throw InputError("run " + runDir + " has no checkpoint yet");

  ProgressLine progress(json);
  EvalReport r;
  if (p.given("corpus")) {
    CorpusSpec corpus;
    corpus.inputs = p.values("corpus");
    r.metrics = evaluateOnCorpus(*trainer, runDir, corpus, windows, progress);
    r.on = "corpus " + corpus.inputs.front() + (corpus.inputs.size() > 1 ? " and more" : "");
  } else {
    r.metrics =
        trainer->evaluate(trainer->storeShared(), TokenSplit::Validation, windows, progress.callback());
    r.on = "validation split of the run";
  }
  progress.finish();
  const bool masked = trainer->modelConfig().objective == Objective::Masked;
  r.lossKind = masked ? "masked-token cross-entropy (fixed masks)" : "next-token cross-entropy";
  if (json)
    printJson(r);
  else
    printText(r);
  return 0;
}

}  // namespace pretrain::cli
