#include "cli/bench_setup.h"

#include "cli/progress_line.h"
#include "cli/scratch_path.h"
#include "tokenizer/tokenize_corpus.h"

namespace pretrain::cli {
namespace {

// A total the trainer never reaches: it steps for as long as a bench times it, never near the schedule's end.
constexpr int64_t kEndlessSteps = 1 << 30;
// Learning-rate warmup steps: short, as nothing is trained to a goal here, only timed.
constexpr int64_t kBenchWarmupSteps = 10;

}  // namespace

void readBenchOptions(const ArgParser& p, BenchOptions& o) {
  o.corpus = p.value("corpus");
  o.objective = p.value("objective");
  o.json = p.isSet("json");
}

BenchCorpus::BenchCorpus(const std::string& corpus, const std::string& scratchName, bool quiet)
    : folder(scratchPath(scratchName)) {
  ProgressLine progress(quiet);
  tokenizeCorpus({{corpus}}, folder.path(), {}, progress.callback());
  progress.finish();
  tokenizer = Tokenizer::load(tokenizerModelPath(folder.path()));
  store = std::make_shared<const TokenStore>(tokenStoreDir(folder.path()));
}

TrainConfig benchTrainConfig() {
  TrainConfig t;
  t.steps = kEndlessSteps;
  t.warmup = kBenchWarmupSteps;
  return t;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace pretrain::cli
