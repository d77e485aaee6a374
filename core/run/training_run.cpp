#include "run/training_run.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <optional>
#include <thread>

#include "compute/process_group.h"
#include "data/token_store.h"
#include "infer/predictor.h"
#include "run/open_run.h"
#include "run/run_folder.h"
#include "run/run_lock.h"
#include "tokenizer/tokenizer.h"
#include "train/snapshot_schedule.h"

namespace fs = std::filesystem;

namespace pretrain {
namespace {

// A path as the run records it: absolute, so that the run reads the same from whatever folder it is opened.
std::string recordedPath(const std::string& path) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(path, ec);
  return ec ? path : absolute.lexically_normal().string();
}

// A fine-tuned run's starting point: the parent's weights at the step asked for, copied into `trainer`.
// Returns where they came from.
RunOrigin startFromParent(const TrainingRunOptions& o, Trainer& trainer) {
  const RunModel parent = openRunModel(o.initFrom, o.initStep, trainer.tokenizer());
  trainer.copyWeightsFrom(*parent.model);
  return {recordedPath(o.initFrom), parent.step, parent.config.tokenizerHash};
}

// Creates the run: data, config.json, a fresh trainer (or one that starts from another run's weights).
std::unique_ptr<Trainer> startRun(const TrainingRunOptions& o, const RunFolder& run,
                                  const TrainingRunCallbacks& cb) {
  if (run.hasRun())
    throw InputError(run.dir() + " already holds a run; continue it with --resume or choose another folder");
  o.train.validate();
  if (o.initFrom.empty() && (o.train.freezeEmbeddings || o.train.freezeBlocks > 0))
    throw InputError("freezing keeps pre-trained weights as they are: it needs a run to start from");
  std::optional<RunConfig> parent;
  if (!o.initFrom.empty()) {
    parent = RunFolder(o.initFrom).readConfig();                     // A run folder, not any folder.
    reuseTokenizer(RunFolder(o.initFrom).dataDir(), run.dataDir());  // Its tokenizer encodes the new corpus.
  } else if (!o.preparedData.empty()) {
    reusePreparedData(o.preparedData, run.dataDir());
  }
  TokenizeOptions tokenize = o.tokenize;
  if (parent)
    tokenize.tokenizerTypeGiven = tokenize.vocabSizeGiven = false;  // The parent's, whatever they say.
  const TokenizeResult data = tokenizeCorpus(o.corpus, run.dataDir(), tokenize, cb.dataProgress);
  RunConfig config;
  config.model = parent ? parent->model : o.model;  // A fine-tuned model keeps its parent's shape.
  config.model.vocabSize = data.manifest.vocabSize;
  config.model.validate();
  checkTrainingMemory(config.model, o.train);
  config.train = o.train;
  config.preset = o.preset;
  for (const std::string& input : o.corpus.inputs) config.corpus.push_back(recordedPath(input));
  config.encoding = textEncodingName(o.corpus.encoding);
  config.tokenizerHash = data.manifest.tokenizerHash;
  auto tokenizer = Tokenizer::load(tokenizerModelPath(run.dataDir()));
  auto store = std::make_shared<const TokenStore>(tokenStoreDir(run.dataDir()));
  auto trainer = std::make_unique<Trainer>(config.model, config.train, store, tokenizer, o.group);
  if (parent) {
    config.initFrom = startFromParent(o, *trainer);
    // The parent's probes carry over (unless others are given): a fact learnt in pre-training is watched
    // surviving, or being forgotten, during fine-tuning.
    if (o.probes.empty()) run.writeProbes(RunFolder(o.initFrom).readProbes());
    if (cb.onNote)
      cb.onNote("fine-tuning: starting from the weights of " + config.initFrom->run + " at step " +
                std::to_string(config.initFrom->step));
  }
  run.writeConfig(config);
  std::error_code ec;
  fs::remove(run.metricsPath(), ec);
  return trainer;
}

// The loop between steps: pause, stop and checkpoint requests, evaluation, probes, metrics and checkpoints.
class RunDriver {
 public:
  RunDriver(const TrainingRunOptions& o, const TrainingRunCallbacks& cb)
      : m_run(o.runDir),
        m_cb(cb),
        m_group(o.group),
        m_writer(!o.group || o.group->rank() == 0),
        m_lock(lockIfWriter(o)),
        m_trainer(open(o)) {
    if (m_writer) {
      if (o.resume) m_run.truncateHistoryAfter(m_trainer->stepsDone());
      if (!o.probes.empty()) m_run.writeProbes(o.probes);
      fs::create_directories(m_run.checkpointsDir());
    }
    m_probes = m_run.readProbes();
    m_summary.startStep = m_trainer->stepsDone();
    m_summary.compute = m_trainer->computeDescription();
    // A resumed run names the checkpoint it continues from until it writes one (a run already at its last
    // step writes none).
    m_summary.checkpoint = m_run.latestCheckpoint();
    m_savedStep = m_summary.checkpoint.empty() ? -1 : m_trainer->stepsDone();
  }

  TrainingRunSummary run() {
    if (m_cb.onReady) m_cb.onReady(*m_trainer);
    snapshot();  // Step 0 of a new run: the timeline starts at the untrained model.
    while (!m_trainer->finished()) {
      if (!waitForGo()) {
        m_summary.stopped = true;
        break;
      }
      step();
    }
    // A checkpoint at the end and at a stop, unless this step already has one.
    if (m_savedStep != m_trainer->stepsDone()) save();
    m_summary.endStep = m_trainer->stepsDone();
    if (m_group) m_summary.parameterDigest = m_trainer->parameterDigest();
    return m_summary;
  }

 private:
  // The writer's lock on the run, and what an earlier writer's interrupted saves left behind cleared away.
  std::unique_ptr<RunWriterLock> lockIfWriter(const TrainingRunOptions& o) {
    if (!m_writer) return nullptr;
    if (!o.resume && !m_run.hasRun()) m_run.checkUsableForNewRun();  // Before the lock file is made.
    auto lock = std::make_unique<RunWriterLock>(o.runDir);
    if (!m_run.hasRun()) return lock;  // Nothing of a run's own to clear yet.
    const int removed = m_run.removeLeftovers();
    if (removed > 0 && m_cb.onNote)
      m_cb.onNote("removed " + std::to_string(removed) +
                  " unfinished file(s) an interrupted save left behind");
    return lock;
  }

  // The trainer of a new or resumed run. Rank 0 of a group makes a new run as one process would,
  // while the other ranks wait, then open the run it wrote: nobody writes what another writes.
  std::unique_ptr<Trainer> open(const TrainingRunOptions& o) {
    if (o.resume) {
      // The other ranks read the run only once rank 0 holds it and has put back what a crash left.
      if (m_group) m_group->barrier();
      return openRunTrainer(o.runDir, o.resumeChanges, m_cb.onNote, o.group);
    }
    if (!m_group) return startRun(o, m_run, m_cb);
    std::unique_ptr<Trainer> trainer = m_writer ? startRun(o, m_run, m_cb) : nullptr;
    m_group->barrier();
    if (trainer) return trainer;
    trainer = openRunTrainer(o.runDir, {}, {}, o.group);
    if (!o.initFrom.empty()) startFromParent(o, *trainer);  // The same weights as rank 0.
    return trainer;
  }

  // Asks the caller what to do until it says go on (true) or stop (false); a pause keeps everything in
  // memory. A group's processes agree: any one's stop stops them all.
  bool waitForGo() {
    RunCommand command = m_cb.control ? m_cb.control() : RunCommand::Continue;
    if (m_group) return !m_group->any(command == RunCommand::Stop);
    while (command == RunCommand::Pause || command == RunCommand::SaveCheckpoint) {
      if (command == RunCommand::SaveCheckpoint && m_savedStep != m_trainer->stepsDone()) save();
      if (command == RunCommand::Pause) std::this_thread::sleep_for(kPausePoll);
      command = m_cb.control();
    }
    return command != RunCommand::Stop;
  }

  void step() {
    const TrainConfig& tc = m_trainer->trainConfig();
    const StepMetrics step = m_trainer->step();
    if (step.skipped && m_cb.onNote)
      m_cb.onNote("step " + std::to_string(step.step) + " skipped: the loss or gradient was not finite");
    const bool evalNow = step.step % tc.evalEvery == 0 || m_trainer->finished();
    EvalMetrics eval;
    if (evalNow) {
      eval = m_trainer->evaluate();
      m_summary.evaluated = true;
      m_summary.lastEval = eval;
    }
    if (m_writer) m_run.appendMetrics(step, evalNow ? &eval : nullptr);
    if (m_cb.onStep) m_cb.onStep(step);
    if (evalNow && m_cb.onEval) m_cb.onEval(eval);
    if (evalNow && m_writer) evaluateProbes();
    if (step.step % tc.saveEvery == 0 && !m_trainer->finished()) save();
    snapshot();
  }

  // The timeline's snapshot of this step, when it is one of its steps and one more fits the budget.
  void snapshot() {
    const TrainConfig& tc = m_trainer->trainConfig();
    const int64_t step = m_trainer->stepsDone();
    if (!m_writer || !isSnapshotStep(step, tc.snapshotEvery)) return;
    const std::string path = m_run.snapshotPath(step);
    std::error_code ec;
    if (fs::exists(path, ec)) return;  // A resumed run passing a step it has: the same weights.
    // bf16: two bytes a parameter, plus a header.
    const uint64_t size = uint64_t(m_trainer->modelConfig().parameterCount()) * 2 + (64u << 10);
    if (m_run.snapshotBytes() + size > uint64_t(tc.snapshotBudgetMb) << 20) {
      if (!m_snapshotsFull && m_cb.onNote && tc.snapshotBudgetMb > 0)
        m_cb.onNote("the snapshots have reached their budget of " + std::to_string(tc.snapshotBudgetMb) +
                    " MB; no more are kept (--snapshot-budget-mb raises it)");
      m_snapshotsFull = true;
      return;
    }
    fs::create_directories(m_run.snapshotsDir());
    m_trainer->saveSnapshot(path);
  }

  // Probe results at each evaluation, read from the live model between steps.
  void evaluateProbes() {
    if (m_cb.probes) {
      std::vector<Probe> now = m_cb.probes();
      if (now != m_probes) m_run.writeProbes(m_probes = std::move(now));
    }
    if (m_probes.empty()) return;
    const Predictor predictor(m_trainer->model(), m_trainer->tokenizer());
    const std::vector<ProbeResult> results =
        pretrain::evaluateProbes(predictor, m_probes, m_trainer->stepsDone());
    m_run.appendProbeResults(results);
    if (m_cb.onProbes) m_cb.onProbes(results);
  }

  void save() {
    m_savedStep = m_trainer->stepsDone();
    if (!m_writer) return;
    m_summary.checkpoint = m_run.checkpointPath(m_trainer->stepsDone());
    m_trainer->saveCheckpoint(m_summary.checkpoint);
    m_run.pruneCheckpoints(m_trainer->trainConfig().keepCheckpoints);
    if (m_cb.onNote) m_cb.onNote("checkpoint " + m_summary.checkpoint);
  }

  // How often a paused run asks whether it may go on: quick to resume, nothing measurable while it waits.
  static constexpr std::chrono::milliseconds kPausePoll{20};

  const RunFolder m_run;
  const TrainingRunCallbacks& m_cb;
  const std::shared_ptr<ProcessGroup> m_group;
  const bool m_writer;  // writes the run folder: the only process, or a group's rank 0
  // Held while the run is written: no second writer, and the studio sees who writes it (run_lock.h).
  const std::unique_ptr<RunWriterLock> m_lock;
  std::unique_ptr<Trainer> m_trainer;
  std::vector<Probe> m_probes;
  TrainingRunSummary m_summary;
  int64_t m_savedStep = -1;
  bool m_snapshotsFull = false;
};

}  // namespace

TrainingRunSummary runTraining(const TrainingRunOptions& options, const TrainingRunCallbacks& callbacks) {
  return RunDriver(options, callbacks).run();
}

}  // namespace pretrain
