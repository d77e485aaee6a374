#include "util/runtime_paths.h"

#include <cstdlib>
#include <filesystem>
#include <vector>

#include "util/error.h"

namespace fs = std::filesystem;

namespace pretrain {

std::string executableDir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : exe.parent_path().string();
}

std::string findRuntimeFile(const std::string& name) {
  std::vector<fs::path> dirs;
  if (const char* env = std::getenv("PRETRAIN_LIBEXEC_DIR"); env && *env) dirs.emplace_back(env);
  const fs::path exeDir = executableDir();
  dirs.push_back(exeDir);
  dirs.push_back(exeDir / ".." / "lib" / "pretrain-studio");
  std::string looked;
  for (const auto& d : dirs) {
    const fs::path candidate = d / name;
    std::error_code ec;
    if (fs::exists(candidate, ec)) return fs::weakly_canonical(candidate, ec).string();
    looked += (looked.empty() ? "" : ", ") + d.string();
  }
  throw Error("cannot find " + name + " (looked in " + looked +
              "); set PRETRAIN_LIBEXEC_DIR to the folder that holds it");
}

}  // namespace pretrain
