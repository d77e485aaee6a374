#include "compute/tensor_file.h"

#include "util/error.h"

namespace pretrain {
namespace {

const std::vector<std::pair<torch::ScalarType, const char*>>& dtypeNames() {
  static const std::vector<std::pair<torch::ScalarType, const char*>> names = {
      {torch::kFloat64, "F64"},   {torch::kFloat32, "F32"}, {torch::kFloat16, "F16"},
      {torch::kBFloat16, "BF16"}, {torch::kInt64, "I64"},   {torch::kInt32, "I32"},
      {torch::kInt16, "I16"},     {torch::kInt8, "I8"},     {torch::kUInt8, "U8"},
      {torch::kBool, "BOOL"}};
  return names;
}

std::string dtypeName(torch::ScalarType type) {
  for (const auto& [t, name] : dtypeNames())
    if (t == type) return name;
  throw Error(std::string("no safetensors dtype for ") + c10::toString(type));
}

const SafetensorsEntry& entryOf(const SafetensorsFile& file, const std::string& name) {
  const SafetensorsEntry* e = file.find(name);
  if (!e) throw InputError(file.path() + " lacks tensor " + name + " (damaged, or made for something else?)");
  return *e;
}

std::string shapeText(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

}  // namespace

void writeTensorFile(const std::string& path, const NamedTensors& tensors,
                     std::map<std::string, std::string> metadata, const std::string& what) {
  std::vector<torch::Tensor> held;  // The CPU copies the writer reads from.
  std::vector<SafetensorsTensor> out;
  held.reserve(tensors.size());
  for (const auto& [name, tensor] : tensors) {
    held.push_back(tensor.detach().to(torch::kCPU).contiguous());
    out.push_back(
        {name, dtypeName(held.back().scalar_type()), held.back().sizes().vec(), held.back().data_ptr()});
  }
  writeSafetensorsFile(path, std::move(out), std::move(metadata), what);
}

torch::Tensor readTensor(const SafetensorsFile& file, const std::string& name) {
  const SafetensorsEntry& e = entryOf(file, name);
  for (const auto& [type, dtype] : dtypeNames()) {
    if (e.dtype != dtype) continue;
    torch::Tensor t = torch::empty(e.shape, torch::TensorOptions().dtype(type));
    file.read(e, t.data_ptr());
    return t;
  }
  throw InputError(file.path() + ": tensor " + name + " has dtype " + e.dtype +
                   ", which cannot be read here");
}

void readTensorInto(const SafetensorsFile& file, const std::string& name, const torch::Tensor& target,
                    bool convert) {
  const SafetensorsEntry& e = entryOf(file, name);
  const bool sameType = e.dtype == dtypeName(target.scalar_type());
  if ((!sameType && !convert) || e.shape != target.sizes().vec())
    throw InputError(file.path() + ": tensor " + name + " is " + e.dtype + " " + shapeText(e.shape) +
                     " where " + dtypeName(target.scalar_type()) + " " + shapeText(target.sizes().vec()) +
                     " is expected");
  torch::NoGradGuard noGrad;
  if (sameType && target.is_cpu() && target.is_contiguous()) {
    file.read(e, target.data_ptr());
  } else {
    target.copy_(readTensor(file, name));
  }
}

}  // namespace pretrain
