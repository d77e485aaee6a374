#pragma once
// The `pretrain` subcommands. Each takes the arguments after its name, prints its result on stdout
// (human-readable, or one JSON object with --json) and returns the exit status. Errors are thrown:
// run() turns them into one line on stderr and a non-zero exit.

#include <string>
#include <vector>

namespace pretrain::cli {

using Args = std::vector<std::string>;

/// The exit status of a command stopped by Ctrl-C: 128 + SIGINT, as shells report it.
constexpr int kExitInterrupted = 130;

int runTokenize(const Args& args);
int runEncode(const Args& args);
int runBench(const Args& args);
int runBenchTrain(const Args& args);
int runBenchPredict(const Args& args);
int runTrain(const Args& args);
int runNext(const Args& args);
int runFill(const Args& args);
int runGenerate(const Args& args);
int runEval(const Args& args);
int runDemo(const Args& args);
int runUpgradeRun(const Args& args);
int runExport(const Args& args);
int runSnapshots(const Args& args);
int runLens(const Args& args);
int runAttention(const Args& args);
int runCompare(const Args& args);

/// The whole program: dispatches to a subcommand. Exit status 0 success, 1 error, 2 usage error,
/// 130 cancelled by Ctrl-C.
int run(int argc, char** argv);

}  // namespace pretrain::cli
