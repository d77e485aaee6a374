#pragma once
// The processes of one data-parallel run, as PyTorch's launcher describes them and its collective library
// joins them: torchrun sets RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR and MASTER_PORT for
// each process, which meet at a c10d TCP store and form a c10d process group: Gloo for a run on CPUs, NCCL
// for a run on GPUs (one per process: the LOCAL_RANK-th of its machine). No LibTorch in this header: tensors
// are only named.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace at {
class Tensor;
}

namespace pretrain {

struct ProcessGroupSettings {
  int rank = 0, worldSize = 1;            ///< This process, of how many.
  int localRank = 0, localWorldSize = 1;  ///< The same on this machine.
  std::string masterAddress;              ///< Where rank 0's store listens (or torchrun's own).
  int masterPort = 0;
  /// torchrun's agent already serves the store (TORCHELASTIC_USE_AGENT_STORE): rank 0 connects to it
  /// rather than serving one.
  bool agentStore = false;
  int restarts = 0;  ///< How often torchrun has restarted the group (TORCHELASTIC_RESTART_COUNT).
  /// Gradients summed per collective: PyTorch DDP's default bucket size.
  int64_t bucketBytes = int64_t(25) << 20;
  /// The processes train on GPUs, and sum over NCCL (else on CPUs, over Gloo).
  bool gpus = false;
  /// Started as one of a group (torchrun's variables are set), even a group of one, as PyTorch's own
  /// init_process_group makes it: `torchrun --nproc-per-node 1` runs the same collectives as N processes.
  bool launched = false;
  bool distributed() const { return launched; }
};

/// The settings from the environment; without WORLD_SIZE, one process. Throws InputError, one line naming the
/// variable, when they are incomplete or malformed.
ProcessGroupSettings processGroupFromEnvironment();

/// Whether this build can join process groups of CPU processes (LibTorch's Gloo headers were present).
bool hasProcessGroups();
/// Whether this build can join process groups of GPU processes (LibTorch with CUDA, NCCL's header present).
bool hasGpuProcessGroups();

class ProcessGroup {
 public:
  /// Joins the group: waits (up to `timeoutSeconds`, also the limit of every later wait: the first process
  /// may be tokenizing a corpus meanwhile) for every process. Throws InputError when it cannot.
  explicit ProcessGroup(const ProcessGroupSettings& settings, int timeoutSeconds = 1800);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  int rank() const { return m_settings.rank; }
  int size() const { return m_settings.worldSize; }
  const ProcessGroupSettings& settings() const { return m_settings; }

  /// Every tensor summed element-wise over the processes, in place; the same order on every process. A
  /// group of GPU processes sums on the GPU: tensors elsewhere go there and back.
  /// Throws IoError when another process has ended or does not answer within the timeout (so a failure in
  /// one process ends the others, rather than leaving them waiting).
  void allReduceSum(std::vector<at::Tensor>& tensors);
  /// Starts allReduceSum() and returns at once: the work goes on in the collective library's threads, and
  /// the returned function waits for it (throwing as allReduceSum()). Sums started one after another are
  /// done in that order, as on every process.
  std::function<void()> startAllReduceSum(std::vector<at::Tensor>& tensors);
  /// Returns when every process has called it. Throws IoError as allReduceSum().
  void barrier();
  /// Whether `mine` is true in any process (every process must ask).
  bool any(bool mine);

 private:
  struct Impl;
  ProcessGroupSettings m_settings;
  std::unique_ptr<Impl> d;
};

}  // namespace pretrain
