#pragma once
// A run's settings as a flat list of names and values ("model.layers" = "4"), for setting two runs side
// by side and seeing where they differ. Everything config.json holds, in its order there. No LibTorch here.

#include <string>
#include <vector>

#include "run/run_folder.h"

namespace pretrain {

struct RunSetting {
  std::string name, value;
};

std::vector<RunSetting> runSettings(const RunConfig& config);

}  // namespace pretrain
