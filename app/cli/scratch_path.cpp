#include "cli/scratch_path.h"

#include <unistd.h>

#include <filesystem>

namespace pretrain::cli {

std::string scratchPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("pretrain-" + name + "-" + std::to_string(::getpid())))
      .string();
}

}  // namespace pretrain::cli
