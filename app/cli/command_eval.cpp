// pretrain eval: a run's model measured on its validation split or on another corpus.
#include <unistd.h>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/arg_parser.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/progress_line.h"
#include "run/open_run.h"
#include "run/run_folder.h"
#include "run/training_run.h"
#include "tokenizer/tokenize_corpus.h"
#include "util/atomic_file.h"

namespace fs = std::filesystem;

namespace pretrain::cli {
namespace {

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
  return c;
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
  auto trainer = openRunTrainer(runDir);
  if (RunFolder(runDir).latestCheckpoint().empty())
    throw InputError("run " + runDir + " has no checkpoint yet");
  ProgressLine progress(p.isSet("json"));
  EvalMetrics e;
  std::string on = "validation split of the run";
  if (p.given("corpus")) {
    // Tokenize with the run's own tokenizer into a scratch folder.
    const fs::path scratch = fs::temp_directory_path() / ("pretrain-eval-" + std::to_string(::getpid()));
    const ScratchDir cleanup(scratch.string());  // Removed with everything in it on the way out.
    fs::copy_file(tokenizerModelPath(RunFolder(runDir).dataDir()), tokenizerModelPath(scratch.string()));
    CorpusSpec corpus;
    corpus.inputs = p.values("corpus");
    TokenizeOptions o;
    o.store.minTokens = uint64_t(trainer->modelConfig().context) + 1;
    tokenizeCorpus(corpus, scratch.string(), o, progress.callback());
    progress.finish();
    const auto store = std::make_shared<const TokenStore>(tokenStoreDir(scratch.string()));
    e = combine(trainer->evaluate(store, TokenSplit::Train, windows, progress.callback()),
                trainer->evaluate(store, TokenSplit::Validation, windows, progress.callback()));
    on = "corpus " + corpus.inputs.front() + (corpus.inputs.size() > 1 ? " and more" : "");
  } else {
    e = trainer->evaluate(trainer->storeShared(), TokenSplit::Validation, windows, progress.callback());
  }
  progress.finish();
  const bool masked = trainer->modelConfig().objective == Objective::Masked;
  const std::string kind = masked ? "masked-token cross-entropy (fixed masks)" : "next-token cross-entropy";
  if (p.isSet("json")) {
    std::cout << nlohmann::json{{"loss", e.loss},
                                {"perplexity", e.perplexity},
                                {"bits_per_byte", e.bitsPerByte},
                                {"tokens", e.tokens},
                                {"step", e.step},
                                {"loss_kind", kind},
                                {"on", on}}
                     .dump()
              << "\n";
    return 0;
  }
  std::printf("%s at step %lld, on the %s\n", kind.c_str(), static_cast<long long>(e.step), on.c_str());
  std::printf("loss        %.4f nats per token\nperplexity  %.2f\nbits/byte   %.4f\ntokens      %s\n", e.loss,
              e.perplexity, e.bitsPerByte, formatCount(e.tokens).c_str());
  return 0;
}

}  // namespace pretrain::cli
