#pragma once
// Where and in what precision the engine computes, chosen at run time: CUDA when this LibTorch has it and
// a GPU is present, else the CPU; bf16 autocast where the hardware runs it fast.

#include <torch/torch.h>

#include <string>

namespace pretrain {

struct ComputeSetup {
  torch::Device device = torch::kCPU;
  bool bf16 = false;        // autocast to bfloat16 (weights and optimizer stay fp32)
  std::string description;  // e.g. "cpu, bf16 autocast, 2 threads"
};

/// `device`: cpu | cuda | auto; `precision`: fp32 | bf16 | auto; `gpu`: which GPU, where it is one (a
/// process group's processes take one each). Throws InputError for cuda without a GPU, or without that one.
ComputeSetup chooseCompute(const std::string& device, const std::string& precision, int threads, int gpu = 0);

/// True when the CPU has AVX-512 BF16 or AMX (elsewhere bf16 autocast is slower than fp32) and LibTorch's
/// kernels use them (a bf16 product runs).
bool cpuHasFastBf16();

/// Intra-op threads for LibTorch in the calling thread (OpenMP's setting is per thread, so the thread
/// that trains must call it). 0 = all cores.
void setComputeThreads(int threads);
/// Whether setComputeThreads() was called on this thread (a trainer's thread keeps its own setting).
bool computeThreadsSet();

/// Keeps freed memory in the heap rather than returning it to the kernel. Training allocates and frees the
/// same large tensors (logits, activations) every step; by default glibc serves each from a fresh mmap, and
/// the page faults of touching it again cost ~30% of a small model's step on this 2-core machine (measured).
/// Process-wide; called once by the trainer.
void keepTensorMemoryInHeap();

/// Measured matrix-multiply throughput on `setup`'s device, in GFLOP/s: n x n times n x n products in
/// fp32 or bf16 for about `seconds`. The peak that model FLOPs utilisation is reported against.
double measureMatmulGflops(const ComputeSetup& setup, bool bf16, int n = 1024, double seconds = 1.0);

/// Autocast to bfloat16 on the setup's device for the guard's lifetime (thread-local, like autocast).
class AutocastGuard {
 public:
  explicit AutocastGuard(const ComputeSetup& setup);
  ~AutocastGuard();
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  bool m_enabled;
  bool m_cuda;
};

}  // namespace pretrain
