// pretrain-spm-train: trains a SentencePiece model in a process of its own, so that the engine can show
// its progress (SentencePiece logs it on stderr), cancel it (by ending the process), and survive a fatal
// SentencePiece error. Arguments are SentencePiece trainer flags; this program adds nothing to them.
// Exit 0 on success; otherwise the last stderr line is "error: <SentencePiece's message>".

#include <sentencepiece_trainer.h>

#include <cstdio>
#include <string>
#include <unordered_map>

int main(int argc, char** argv) {
  std::unordered_map<std::string, std::string> flags;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const size_t eq = arg.find('=');
    if (arg.rfind("--", 0) != 0 || eq == std::string::npos) {
      std::fprintf(stderr, "error: expected --name=value, got '%s'\n", argv[i]);
      return 2;
    }
    flags[arg.substr(2, eq - 2)] = arg.substr(eq + 1);
  }
  const auto status = sentencepiece::SentencePieceTrainer::Train(flags);
  if (!status.ok()) {
    std::fprintf(stderr, "\nerror: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
