// `pretrain`: the engine on the command line, for scripting, benchmarks and machines without a display.
#include "cli/commands.h"

int main(int argc, char** argv) { return pretrain::cli::run(argc, argv); }
