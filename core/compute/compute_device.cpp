#include "compute/compute_device.h"

#include <ATen/autocast_mode.h>

#include <malloc.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <thread>

#include "compute/device_list.h"
#include "compute/torch_compat.h"
#include "util/error.h"

namespace pretrain {

namespace {

bool cpuFlagsHaveBf16() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("flags", 0) == 0)
      return line.find(" avx512_bf16") != std::string::npos || line.find(" amx_bf16") != std::string::npos;
  return false;
}

// Whether LibTorch's CPU kernels (oneDNN) do a bf16 product here: the CPU may have the instructions while
// oneDNN is told not to use them (ONEDNN_MAX_CPU_ISA), and then every bf16 product fails to start.
bool bf16ProductsRun() {
  try {
    const torch::Tensor a = torch::ones({32, 32}, torch::kBFloat16);
    return torch::mm(a, a)[0][0].item<float>() == 32.0f;
  } catch (const std::exception&) {  // LibTorch's c10::Error, or oneDNN's own dnnl::error
    return false;
  }
}

}  // namespace

bool cpuHasFastBf16() {
  static const bool fast = cpuFlagsHaveBf16() && bf16ProductsRun();
  return fast;
}

namespace {
thread_local bool threadsSet = false;
}  // namespace

bool cudaAvailable() { return torch::cuda::is_available(); }

bool trainsOnGpu(const std::string& device) {
  return device == "cuda" || (device == "auto" && cudaAvailable());
}

std::string automaticDeviceDescription() {
  if (cudaAvailable()) {
    const size_t gpus = torch::cuda::device_count();
    return "cuda (" + std::to_string(gpus) + (gpus == 1 ? " GPU)" : " GPUs)");
  }
  return "cpu (" + std::to_string(std::max(1u, std::thread::hardware_concurrency())) + " cores)";
}

void setComputeThreads(int threads) {
  at::set_num_threads(threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency())));
  threadsSet = true;
}

bool computeThreadsSet() { return threadsSet; }

ComputeSetup chooseCompute(const std::string& device, const std::string& precision, int threads, int gpu) {
  ComputeSetup s;
  if (device == "cuda" && !cudaAvailable())
    throw InputError(
        "device cuda asked for, but this LibTorch has no CUDA or no GPU is present; use --device cpu");
  if (trainsOnGpu(device)) {
    const int gpus = int(torch::cuda::device_count());
    if (gpu >= gpus)
      throw InputError("GPU " + std::to_string(gpu) + " asked for, but this machine has " +
                       std::to_string(gpus) + (gpus == 1 ? " GPU" : " GPUs") +
                       " (one process per GPU: --nproc-per-node " + std::to_string(gpus) + " at most)");
    s.device = torch::Device(torch::kCUDA, c10::DeviceIndex(gpu));
  }
  const bool fast = s.device.is_cuda() || cpuHasFastBf16();  // Ampere and later GPUs, AVX-512 BF16/AMX CPUs
  s.bf16 = precision == "bf16" || (precision == "auto" && fast);
  s.description = s.device.str() + (s.bf16 ? ", bf16 autocast" : ", fp32");
  if (!s.device.is_cuda())
    s.description +=
        ", " + std::to_string(threads > 0 ? threads : int(std::thread::hardware_concurrency())) + " threads";
  return s;
}

void keepTensorMemoryInHeap() {
  static std::once_flag once;
  std::call_once(once, [] {
    mallopt(M_MMAP_THRESHOLD, 1 << 30);  // Large blocks from the heap, not from mmap...
    mallopt(M_TRIM_THRESHOLD, 1 << 30);  // ...and not given back after each step.
  });
}

double measureMatmulGflops(const ComputeSetup& setup, bool bf16, int n, double seconds) {
  torch::NoGradGuard guard;
  const auto options =
      torch::TensorOptions().device(setup.device).dtype(bf16 ? torch::kBFloat16 : torch::kFloat);
  const torch::Tensor a = torch::randn({n, n}, options), b = torch::randn({n, n}, options);
  auto sync = [&] {
    if (setup.device.is_cuda()) torch::cuda::synchronize();
  };
  torch::matmul(a, b);  // Warm up (thread pools, kernels).
  sync();
  int64_t runs = 0;
  const auto start = std::chrono::steady_clock::now();
  double elapsed = 0;
  do {
    torch::Tensor c = torch::matmul(a, b);
    ++runs;
    sync();
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  } while (elapsed < seconds);
  return 2.0 * double(n) * n * n * double(runs) / elapsed / 1e9;
}

AutocastGuard::AutocastGuard(const ComputeSetup& s) : m_enabled(s.bf16), m_cuda(s.device.is_cuda()) {
  if (m_enabled) compat::setBf16Autocast(m_cuda ? torch::kCUDA : torch::kCPU, true);
}

AutocastGuard::~AutocastGuard() {
  if (!m_enabled) return;
  compat::setBf16Autocast(m_cuda ? torch::kCUDA : torch::kCPU, false);
  // The cast weights are cached for the guard's lifetime; drop them so each step casts fresh weights.
  at::autocast::clear_cache();
}

}  // namespace pretrain
