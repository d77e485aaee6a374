#include <cstdio>
#include <exception>
#include <string>

#include "cli/commands.h"
#include "settings/arg_parser.h"
#include "util/error.h"
#include "util/stop_signals.h"

namespace pretrain::cli {
namespace {

struct Command {
  const char* name;
  int (*run)(const Args&);
  const char* summary;
};

const Command kCommands[] = {
    {"tokenize", runTokenize, "train a tokenizer on a corpus and write its token store"},
    {"encode", runEncode, "show how a tokenizer splits a text into pieces and ids"},
    {"train", runTrain, "pre-train a model (next-word or masked words) into a run folder"},
    {"next", runNext, "a run's next-token distribution for a prompt"},
    {"fill", runFill, "a run's candidates for each [MASK] in a text"},
    {"generate", runGenerate, "continue a prompt with a run's model"},
    {"lens", runLens, "the logit lens: what each layer of a run's model predicts at each position"},
    {"attention", runAttention, "every attention head's weights over a prompt"},
    {"compare", runCompare,
     "two runs (or two steps of one) on a prompt: next pieces, KL divergence, surprise"},
    {"snapshots", runSnapshots, "the steps of a run's timeline, which --step of next, fill, generate shows"},
    {"eval", runEval, "loss, perplexity and bits per byte of a run"},
    {"demo", runDemo, "train a small model on the sample corpus, then show its predictions"},
    {"export", runExport, "write a run's model for Hugging Face transformers (from_pretrained)"},
    {"upgrade-run", runUpgradeRun, "convert a run saved by an earlier version to today's checkpoints"},
    {"bench", runBench, "measure tokenizer and training speed (figures for the README)"},
};

void printUsage(FILE* to) {
  std::fprintf(to,
               "usage: pretrain COMMAND [OPTIONS]\n\n"
               "Pretrain Studio's engine on the command line: corpora, tokenizers, training, "
               "predictions.\n\ncommands:\n");
  for (const auto& c : kCommands) std::fprintf(to, "  %-12s %s\n", c.name, c.summary);
  std::fprintf(to, "\n'pretrain COMMAND --help' lists a command's options and their defaults.\n");
}

}  // namespace

int run(int argc, char** argv) {
  const std::string first = argc > 1 ? argv[1] : "";
  if (first.empty() || first == "--help" || first == "-h" || first == "help") {
    printUsage(first.empty() ? stderr : stdout);
    return first.empty() ? 2 : 0;
  }
  if (first == "--version") {
    std::printf("pretrain (Pretrain Studio) %s\n", PRETRAIN_VERSION);
    return 0;
  }
  installStopSignals();
  for (const auto& c : kCommands) {
    if (first != c.name) continue;
    try {
      return c.run(Args(argv + 2, argv + argc));
    } catch (const UsageError& e) {
      std::fprintf(stderr, "pretrain %s: %s (see 'pretrain %s --help')\n", c.name, e.what(), c.name);
      return 2;
    } catch (const Cancelled&) {
      std::fprintf(stderr, "pretrain %s: cancelled; no partial output was kept\n", c.name);
      return kExitInterrupted;
    } catch (...) {  // The command line's one catch-all.
      std::fprintf(stderr, "pretrain %s: error: %s\n", c.name, currentErrorMessage().c_str());
      return 1;
    }
  }
  std::fprintf(stderr, "pretrain: unknown command '%s' (see 'pretrain --help')\n", first.c_str());
  return 2;
}

}  // namespace pretrain::cli
