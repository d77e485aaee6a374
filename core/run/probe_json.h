#pragma once
// How a run keeps its probes: the list in probes.json and one line per probe per evaluation in
// probes.jsonl (run_folder.h). No LibTorch here.

#include <string>
#include <vector>

#include "infer/probe.h"

namespace pretrain {

std::string probesToJson(const std::vector<Probe>& probes);
/// Throws InputError for a damaged list.
std::vector<Probe> probesFromJson(const std::string& text);
std::string probeResultToJson(const ProbeResult& result);  ///< One line of probes.jsonl.
/// False for a line that is not one (a torn last line).
bool probeResultFromJson(const std::string& line, ProbeResult& result);

}  // namespace pretrain
