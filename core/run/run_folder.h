#pragma once
// A training run lives in one folder, the same whether the studio or `pretrain train` made it:
//   config.json            model + training settings, corpus, tokenizer hash, format version
//   data/                  the tokenizer and token store (tokenize_corpus.h)
//   metrics.jsonl          one JSON object per step; evaluation steps add val_loss, val_perplexity,
//                          val_bits_per_byte (and val_exact_match when the corpus is pairs)
//   probes.json            the probes watched during training (infer/probe.h, run/probe_json.h)
//   probes.jsonl           one line per probe per evaluation: step, probe, prob, rank
//   checkpoints/step-NNNNNNNN.safetensors   the last few checkpoints, each written atomically
//                                           (train/checkpoint.h)
//   snapshots/step-NNNNNNNN.safetensors     the timeline: the weights alone, in bf16, at log-spaced steps
//                                           (train/snapshot_schedule.h)
// No LibTorch here.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "infer/probe.h"
#include "model/model_config.h"
#include "train/train_config.h"

namespace pretrain {

struct StepMetrics;
struct EvalMetrics;

constexpr int kRunFormatVersion = 1;

/// Where a fine-tuned run's weights came from: another run at one of its steps.
struct RunOrigin {
  std::string run;  // its folder, absolute
  int64_t step = 0;
  std::string tokenizerHash;  // the tokenizer this run shares with it
};

struct RunConfig {
  ModelConfig model;
  TrainConfig train;
  std::optional<RunOrigin> initFrom;  // fine-tuned from another run; none for a run from random weights
  std::string preset;                 // the preset the model started from ("" when set by hand)
  std::vector<std::string> corpus;    // inputs as given
  std::string encoding = "utf-8";
  std::string tokenizerHash;
};

/// config.json's content.
std::string runConfigJson(const RunConfig& config);
/// The run configuration in `text` (config.json's content). Throws InputError naming `where` when it is not
/// one this build reads.
RunConfig parseRunConfig(const std::string& text, const std::string& where);

/// One line of metrics.jsonl added to `steps` (and to `evals` when the step was evaluated); false for a
/// line that is not one (a torn last line).
bool parseMetricsLine(const std::string& line, std::vector<StepMetrics>& steps,
                      std::vector<EvalMetrics>& evals);

/// The step a checkpoint's or snapshot's file is of ("…/step-00000120.safetensors" -> 120).
int64_t stepOfFile(const std::string& path);

class RunFolder {
 public:
  explicit RunFolder(std::string dir);
  const std::string& dir() const { return m_dir; }
  std::string configPath() const { return m_dir + "/config.json"; }
  std::string dataDir() const { return m_dir + "/data"; }
  std::string metricsPath() const { return m_dir + "/metrics.jsonl"; }
  std::string checkpointsDir() const { return m_dir + "/checkpoints"; }
  std::string snapshotsDir() const { return m_dir + "/snapshots"; }
  std::string probesPath() const { return m_dir + "/probes.json"; }
  std::string probeResultsPath() const { return m_dir + "/probes.jsonl"; }

  bool hasRun() const;
  /// Throws InputError when a new run may not be written here: the folder exists and holds something this
  /// program did not make (it writes into an empty or new folder, or one holding what an interrupted start
  /// of a run left: its lock and data), naming what it found.
  void checkUsableForNewRun() const;
  /// Throws InputError: no run there, or a config.json that is damaged or of another format version.
  RunConfig readConfig() const;
  void writeConfig(const RunConfig& config) const;  ///< Atomic.

  std::string checkpointPath(int64_t step) const;
  /// Complete checkpoints (temporary files are ignored), oldest first. Throws IoError when the folder
  /// exists but cannot be read.
  std::vector<std::string> checkpoints() const;
  std::string latestCheckpoint() const;  ///< "" when there is none.
  /// Checkpoints of format 1 (step-N.pt, train/legacy_checkpoint.h), oldest first.
  std::vector<std::string> legacyCheckpoints() const;
  std::string snapshotPath(int64_t step) const;
  /// The timeline's snapshots, oldest first (IoError when the folder exists but cannot be read).
  std::vector<std::string> snapshots() const;
  /// The steps whose weights the run keeps (its snapshots and checkpoints), oldest first: the timeline.
  std::vector<int64_t> timelineSteps() const;
  /// Bytes the snapshots take.
  uint64_t snapshotBytes() const;
  void pruneCheckpoints(int keep) const;
  /// Removes what an interrupted write left behind (temporary files, a replaced folder's old copy) in the
  /// run folder, its checkpoints and its data; returns how many. Only the run's writer may call it (it
  /// holds the run's lock, so nobody is writing them).
  int removeLeftovers() const;

  void appendMetrics(const StepMetrics& step, const EvalMetrics* eval) const;
  /// The run's history from metrics.jsonl, in step order; returns how many lines were skipped as damaged
  /// (a torn last line, a line that is not a step's). Never throws for what the file holds.
  int readMetrics(std::vector<StepMetrics>& steps, std::vector<EvalMetrics>& evals) const;
  /// Drops metric and probe lines after `step` (resuming from a checkpoint older than the last logged
  /// step). Atomic.
  void truncateHistoryAfter(int64_t step) const;

  /// The run's probes (none when it has no probes.json). Throws InputError for a damaged list.
  std::vector<Probe> readProbes() const;
  void writeProbes(const std::vector<Probe>& probes) const;  ///< Atomic.
  void appendProbeResults(const std::vector<ProbeResult>& results) const;
  /// In the order written (a torn last line is skipped).
  std::vector<ProbeResult> readProbeResults() const;

 private:
  std::vector<std::string> listSteps(const std::string& dir, const std::string& extension) const;

  std::string m_dir;
};

}  // namespace pretrain
