// pretrain-tokenizer: SentencePiece in a process of its own, the only program that links it.
//   pretrain-tokenizer train --name=value ...   trains a model (SentencePiece trainer flags); progress is
//                                               SentencePiece's log on stderr; on failure the last stderr
//                                               line is "error: <message>"
//   pretrain-tokenizer serve MODEL              answers encode and decode requests on stdin/stdout
//                                               (helper_protocol.h) until its input ends
// A process of its own because SentencePiece's bundled protobuf cannot share a process with LibTorch's
// (helper_protocol.h says how they crash together), training has no way to be cancelled but ending it, and a damaged or hostile
// model file can then crash only this program.

#include <fcntl.h>
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "tokenizer/helper_protocol.h"

namespace {

using pretrain::helper::kMagic;
using pretrain::helper::kOk;
using pretrain::helper::Op;
using pretrain::helper::SpmKind;

// SentencePiece does not check its own writes: on a full disk it reports success over a short model, which
// would then fail every later run. Both files are flushed and the model read back before "done".
bool checkWritten(const std::string& prefix) {
  for (const char* ext : {".model", ".vocab"}) {
    const std::string path = prefix + ext;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
      std::fprintf(stderr, "\nerror: cannot flush %s to disk: %s\n", path.c_str(), std::strerror(errno));
      if (fd >= 0) ::close(fd);
      return false;
    }
    ::close(fd);
  }
  sentencepiece::SentencePieceProcessor written;
  if (!written.Load(prefix + ".model").ok()) {
    std::fprintf(stderr,
                 "\nerror: the tokenizer written to %s.model does not read back (is the disk full?)\n",
                 prefix.c_str());
    return false;
  }
  return true;
}

int train(int argc, char** argv) {
  // Training ends with the program that asked for it, even a `kill -9` of it: the kernel sends SIGKILL
  // when the parent's thread that started us ends (it waits for us, so only by dying).
  const pid_t parent = getppid();
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) return 1;  // It died before the line above took effect.
  std::unordered_map<std::string, std::string> flags;
  for (int i = 2; i < argc; ++i) {
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
  return checkWritten(flags["model_prefix"]) ? 0 : 1;
}

// Buffered binary I/O on stdin and stdout; the process exits quietly when its input ends.
// Empty items (an empty text, no ids) read and write nothing: their data() may be null, which fread and
// fwrite must not be given (found by UBSan).
bool readBytes(void* data, size_t n) { return n == 0 || std::fread(data, 1, n, stdin) == n; }
uint32_t readU32() {
  uint32_t v = 0;
  if (!readBytes(&v, sizeof v)) std::exit(0);  // The engine has gone: nothing left to do.
  return v;
}
void writeBytes(const void* data, size_t n) {
  if (n > 0 && std::fwrite(data, 1, n, stdout) != n) std::exit(0);
}
void writeU32(uint32_t v) { writeBytes(&v, sizeof v); }
// The reply goes out now. One that cannot (the engine's end is broken) ends this helper: the engine then
// sees its connection close, rather than waiting for a reply that was lost.
void sendReply() {
  if (std::fflush(stdout) != 0) std::exit(1);
}
void writeText(const std::string& s) {
  writeU32(uint32_t(s.size()));
  writeBytes(s.data(), s.size());
}
void fail(const std::string& message) {
  writeU32(1);
  writeText(message);
  sendReply();
}

SpmKind kindOf(const sentencepiece::SentencePieceProcessor& sp, int id) {
  if (sp.IsUnknown(id)) return SpmKind::Unknown;
  if (sp.IsControl(id)) return SpmKind::Control;
  if (sp.IsByte(id)) return SpmKind::Byte;
  if (sp.IsUnused(id)) return SpmKind::Unused;
  return SpmKind::Normal;
}

void writeVocabulary(const sentencepiece::SentencePieceProcessor& sp) {
  writeU32(kOk);
  writeU32(uint32_t(sp.GetPieceSize()));
  for (int id = 0; id < sp.GetPieceSize(); ++id) {
    const auto kind = uint8_t(kindOf(sp, id));
    writeBytes(&kind, 1);
    const float score = sp.GetScore(id);
    writeBytes(&score, sizeof score);
    writeText(sp.IdToPiece(id));
  }
}

// Batches of at least this many texts are encoded on all cores: below it, starting threads costs more
// than it saves.
constexpr size_t kParallelItems = 256;

// Every item is read before any is answered, so a failure leaves the stream in step.
void encode(const sentencepiece::SentencePieceProcessor& sp, uint32_t count) {
  std::vector<std::string> texts(count);
  for (auto& text : texts) {
    text.resize(readU32());
    if (!readBytes(text.data(), text.size())) std::exit(0);
  }
  std::vector<std::vector<int>> answers(count);
  std::vector<std::string> errors(count);
  // A large batch (a corpus's new words) is shared out over the cores; SentencePiece encodes concurrently.
  const size_t threads = count < kParallelItems ? 1 : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> workers;
  for (size_t t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      for (size_t i = t; i < count; i += threads)
        if (const auto status = sp.Encode(texts[i], &answers[i]); !status.ok()) errors[i] = status.ToString();
    });
  for (auto& w : workers) w.join();
  for (const std::string& e : errors)
    if (!e.empty()) return fail(e);
  writeU32(kOk);
  for (const auto& ids : answers) {
    writeU32(uint32_t(ids.size()));
    writeBytes(ids.data(), ids.size() * sizeof(int));
  }
}

void decode(const sentencepiece::SentencePieceProcessor& sp, uint32_t count) {
  std::vector<std::vector<int>> items(count);
  for (auto& ids : items) {
    ids.resize(readU32());
    if (!readBytes(ids.data(), ids.size() * sizeof(int))) std::exit(0);
  }
  std::vector<std::string> answers(count);
  for (uint32_t i = 0; i < count; ++i) {
    for (const int id : items[i])
      if (id < 0 || id >= sp.GetPieceSize()) return fail("id " + std::to_string(id) + " is out of range");
    if (const auto status = sp.Decode(items[i], &answers[i]); !status.ok()) return fail(status.ToString());
  }
  writeU32(kOk);
  for (const auto& text : answers) writeText(text);
}

int serve(const char* modelPath) {
  static char in[1 << 16], out[1 << 16];  // Whole requests and replies go through in few system calls.
  std::setvbuf(stdin, in, _IOFBF, sizeof in);
  std::setvbuf(stdout, out, _IOFBF, sizeof out);
  writeU32(kMagic);
  sentencepiece::SentencePieceProcessor sp;
  if (const auto status = sp.Load(modelPath); !status.ok()) {
    fail(status.ToString());
    return 1;
  }
  writeVocabulary(sp);
  sendReply();
  for (;;) {
    uint8_t op = 0;
    if (!readBytes(&op, 1)) return 0;  // The engine closed the connection (or its process ended).
    const uint32_t count = readU32();
    if (op == uint8_t(Op::Encode))
      encode(sp, count);
    else if (op == uint8_t(Op::Decode))
      decode(sp, count);
    else
      return 2;  // Not our protocol: stop rather than guess.
    sendReply();
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "train") return train(argc, argv);
  if (mode == "serve" && argc == 3) return serve(argv[2]);
  std::fprintf(stderr, "usage: pretrain-tokenizer train --flag=value ... | serve MODEL\n");
  return 2;
}
