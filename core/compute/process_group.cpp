#include "compute/process_group.h"

#include <torch/torch.h>

#include <cstdlib>

#include "util/error.h"

// LibTorch has c10d's Gloo process group built in (Debian's and PyTorch's), but its header needs Gloo's
// (Debian: libgloo-dev) and the macro LibTorch itself was built with. Without them the engine still builds,
// and refuses to join a group of CPU processes.
#if __has_include(<gloo/rendezvous/store.h>)
#define PRETRAIN_HAS_C10D_GLOO 1
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
// NCCL's group is in LibTorch builds with CUDA; core/CMakeLists.txt defines PRETRAIN_WITH_NCCL where it also
// found NCCL's header, which the group's header includes.
#ifdef PRETRAIN_WITH_NCCL
#define PRETRAIN_HAS_C10D_NCCL 1
#ifndef USE_C10D_NCCL
#define USE_C10D_NCCL
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
#if defined(PRETRAIN_HAS_C10D_GLOO) || defined(PRETRAIN_HAS_C10D_NCCL)
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace pretrain {
namespace {

// A whole number from the environment variable `name`, at least `low`; `fallback` when unset.
int integerFromEnvironment(const char* name, int low, int fallback) {
  const char* text = std::getenv(name);
  if (!text || !*text) return fallback;
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (*end != '\0' || value < low || value > 1 << 20)
    throw InputError(std::string(name) + "=" + text + " is not a whole number of at least " +
                     std::to_string(low));
  return int(value);
}

}  // namespace

ProcessGroupSettings processGroupFromEnvironment() {
  ProcessGroupSettings s;
  const char* world = std::getenv("WORLD_SIZE");
  s.launched = world && *world;
  if (!s.launched) return s;
  s.worldSize = integerFromEnvironment("WORLD_SIZE", 1, 1);
  for (const char* needed : {"RANK", "MASTER_ADDR", "MASTER_PORT"})
    if (!std::getenv(needed))
      throw InputError(std::string("WORLD_SIZE is ") + std::getenv("WORLD_SIZE") + " but " + needed +
                       " is not set (start the processes with torchrun, or set RANK, MASTER_ADDR and "
                       "MASTER_PORT for each)");
  s.rank = integerFromEnvironment("RANK", 0, 0);
  if (s.rank >= s.worldSize)
    throw InputError("RANK=" + std::to_string(s.rank) +
                     " is not below WORLD_SIZE=" + std::to_string(s.worldSize));
  s.localRank = integerFromEnvironment("LOCAL_RANK", 0, s.rank);
  s.localWorldSize = integerFromEnvironment("LOCAL_WORLD_SIZE", 1, s.worldSize);
  s.masterAddress = std::getenv("MASTER_ADDR");
  s.masterPort = integerFromEnvironment("MASTER_PORT", 1, 0);
  if (s.masterPort > 65535)
    throw InputError("MASTER_PORT=" + std::to_string(s.masterPort) + " is not a port");
  const char* agent = std::getenv("TORCHELASTIC_USE_AGENT_STORE");
  s.agentStore = agent && std::string(agent) == "True";
  s.restarts = integerFromEnvironment("TORCHELASTIC_RESTART_COUNT", 0, 0);
  return s;
}

#ifdef PRETRAIN_HAS_C10D_GLOO
bool hasProcessGroups() { return true; }
#else
bool hasProcessGroups() { return false; }
#endif
#ifdef PRETRAIN_HAS_C10D_NCCL
bool hasGpuProcessGroups() { return true; }
#else
bool hasGpuProcessGroups() { return false; }
#endif

#if defined(PRETRAIN_HAS_C10D_GLOO) || defined(PRETRAIN_HAS_C10D_NCCL)

struct ProcessGroup::Impl {
  // One of the two, as the settings ask (their common base differs: c10d::ProcessGroup in LibTorch 1.13,
  // c10d::Backend in 2.x).
#ifdef PRETRAIN_HAS_C10D_GLOO
  c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;
#endif
#ifdef PRETRAIN_HAS_C10D_NCCL
  c10::intrusive_ptr<c10d::ProcessGroupNCCL> nccl;
#endif
  torch::Device device = torch::kCPU;  // where the group sums

  c10::intrusive_ptr<c10d::Work> allreduce(std::vector<at::Tensor>& tensors) {
#ifdef PRETRAIN_HAS_C10D_NCCL
    if (nccl) return nccl->allreduce(tensors);
#endif
#ifdef PRETRAIN_HAS_C10D_GLOO
    if (gloo) return gloo->allreduce(tensors);
#endif
    throw std::logic_error("no process group");
  }
};

namespace {

// A collective that failed: another process ended (its connection closed), its machine went away, or it
// did not answer within the timeout. Gloo's text says which; its source location is no use to a person.
[[noreturn]] void lostTheOthers(const std::exception& e) {
  std::string cause = firstLine(e);
  if (cause.rfind('[', 0) == 0 && cause.find("] ") != std::string::npos) cause.erase(0, cause.find("] ") + 2);
  throw IoError(
      "the run's other processes stopped answering (one ended or failed, and says why in its own "
      "output): " +
      cause);
}

}  // namespace

ProcessGroup::ProcessGroup(const ProcessGroupSettings& s, int timeoutSeconds)
    : m_settings(s), d(std::make_unique<Impl>()) {
  const std::string which = s.gpus ? "GPU" : "CPU";
  if (s.gpus ? !hasGpuProcessGroups() : !hasProcessGroups())
    throw InputError("this build has no process groups of " + which + " processes (" +
                     (s.gpus
                          ? "LibTorch without CUDA, or NCCL's header was not found when it was built"
                          : "LibTorch's Gloo headers were not found when it was built: install libgloo-dev "
                            "and build again") +
                     ")");
  try {
    c10d::TCPStoreOptions options;
    options.port = uint16_t(s.masterPort);
    options.isServer = s.rank == 0 && !s.agentStore;
    if (!s.agentStore) options.numWorkers = size_t(s.worldSize);
    options.timeout = std::chrono::seconds(timeoutSeconds);
    auto store = c10::make_intrusive<c10d::TCPStore>(s.masterAddress, options);
    // Keys of our own, beside those torchrun's agent keeps in its store.
    auto ours = c10::make_intrusive<c10d::PrefixStore>("pretrain", store);
#ifdef PRETRAIN_HAS_C10D_NCCL
    if (s.gpus) {
      d->device = torch::Device(torch::kCUDA, c10::DeviceIndex(s.localRank));
      auto nccl = c10d::ProcessGroupNCCL::Options::create();
      nccl->timeout = std::chrono::seconds(timeoutSeconds);
      d->nccl = c10::make_intrusive<c10d::ProcessGroupNCCL>(ours, s.rank, s.worldSize, nccl);
    }
#endif
#ifdef PRETRAIN_HAS_C10D_GLOO
    if (!s.gpus) {
      auto gloo = c10d::ProcessGroupGloo::Options::create(std::chrono::seconds(timeoutSeconds));
      gloo->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
      d->gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(ours, s.rank, s.worldSize, gloo);
    }
#endif
  } catch (const std::exception& e) {
    throw InputError("process " + std::to_string(s.rank + 1) + " of " + std::to_string(s.worldSize) +
                     " could not join the others at " + s.masterAddress + ":" + std::to_string(s.masterPort) +
                     ": " + firstLine(e));
  }
}

ProcessGroup::~ProcessGroup() = default;

void ProcessGroup::allReduceSum(std::vector<at::Tensor>& tensors) { startAllReduceSum(tensors)(); }

std::function<void()> ProcessGroup::startAllReduceSum(std::vector<at::Tensor>& tensors) {
  // NCCL sums GPU tensors only: the others (the evaluation's sums, votes) are summed by way of the GPU.
  std::vector<at::Tensor> summed;
  for (const at::Tensor& t : tensors) summed.push_back(t.device() == d->device ? t : t.to(d->device));
  c10::intrusive_ptr<c10d::Work> work;
  try {
    work = d->allreduce(summed);
  } catch (const std::exception& e) {
    lostTheOthers(e);
  }
  return [work, summed, tensors] {
    try {
      work->wait();
    } catch (const std::exception& e) {
      lostTheOthers(e);
    }
    for (size_t i = 0; i < tensors.size(); ++i)
      if (!summed[i].is_same(tensors[i])) tensors[i].copy_(summed[i]);
  };
}

void ProcessGroup::barrier() {
  if (d->device.is_cuda()) {  // A sum the host waits for: NCCL's own barrier guesses at the device.
    any(false);
    return;
  }
#ifdef PRETRAIN_HAS_C10D_GLOO
  try {
    d->gloo->barrier()->wait();
  } catch (const std::exception& e) {
    lostTheOthers(e);
  }
#endif
}

bool ProcessGroup::any(bool mine) {
  std::vector<at::Tensor> vote = {torch::full({1}, mine ? 1 : 0, torch::kInt)};
  allReduceSum(vote);
  return vote[0].item<int>() > 0;
}

#else

struct ProcessGroup::Impl {};

ProcessGroup::ProcessGroup(const ProcessGroupSettings& s, int) : m_settings(s) {
  throw InputError(
      "this build has no process groups (LibTorch's Gloo headers were not found when it was "
      "built: install libgloo-dev and build again)");
}

ProcessGroup::~ProcessGroup() = default;
void ProcessGroup::allReduceSum(std::vector<at::Tensor>&) {}
std::function<void()> ProcessGroup::startAllReduceSum(std::vector<at::Tensor>&) {
  return [] {};
}
void ProcessGroup::barrier() {}
bool ProcessGroup::any(bool mine) { return mine; }

#endif

}  // namespace pretrain
