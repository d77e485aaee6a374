#include "train/checkpoint.h"

#include <caffe2/serialize/inline_container.h>
#include <unistd.h>

#include <cerrno>

#include <filesystem>
#include <fstream>

#include "model/model_config.h"
#include "train/checkpoint_digest.h"
#include "train/trainer.h"
#include "util/atomic_file.h"
#include "util/content_hash.h"
#include "util/error.h"

namespace pretrain {

void writeCheckpointFile(torch::serialize::OutputArchive& archive, const std::string& path) {
  std::string tmp;
  const int fd = createTempBeside(path, tmp);
  // LibTorch's writer throws when a write comes up short, and throws again from its destructor while the
  // first exception unwinds (std::terminate). So the writes it asks for always "succeed" here: the first
  // failure is kept, later writes are skipped, and the failure is reported once the writer is done.
  int failure = 0;
  ContentHash digest;
  const auto write = [&](const void* data, size_t size) -> size_t {
    digest.add(data, size);
    if (failure == 0 && !writeAll(fd, data, size)) failure = errno;
    return size;
  };
  std::string cause;
  try {
    archive.save_to(write);
  } catch (const std::exception& e) {  // The descriptor is closed and the temporary removed below.
    cause = firstLine(e);
  }
  if (cause.empty() && failure == 0 && ::fsync(fd) != 0) failure = errno;
  if (::close(fd) != 0 && failure == 0) failure = errno;
  if (cause.empty() && failure != 0) {
    errno = failure;
    cause = systemErrorText();
  }
  if (cause.empty()) {
    // Read back what the disk holds: the zip's table of contents names the archive's records.
    try {
      caffe2::serialize::PyTorchStreamReader reader(tmp);
      if (!reader.hasRecord("data.pkl")) cause = "what was written does not read back as a checkpoint";
    } catch (const c10::Error& e) {
      cause = "what was written does not read back (" + firstLine(e) + ")";
    }
  }
  if (cause.empty()) {
    try {
      // The checksum first: a published checkpoint always has one (a crash in between leaves a checksum
      // that a later save of that step replaces).
      writeFileAtomic(checkpointDigestPath(path), digest.hex() + "\n");
      renameDurably(tmp, path);
      return;
    } catch (const IoError& e) {
      cause = e.what();
    }
  }
  ::unlink(tmp.c_str());
  throw IoError("cannot write checkpoint " + path + ": " + cause);
}

c10::IValue readCheckpointValue(torch::serialize::InputArchive& archive, const std::string& path,
                                const char* key) {
  c10::IValue v;
  if (!archive.try_read(key, v)) throw InputError("checkpoint " + path + " lacks '" + key + "' (damaged?)");
  return v;
}

torch::serialize::InputArchive openCheckpoint(const std::string& path, const torch::Device& device,
                                              const std::string& tokenizerHash,
                                              const std::string& modelConfigJson) {
  // Checkpoints of older builds have no checksum beside them; those of this one are checked whole.
  std::error_code ec;
  if (std::filesystem::exists(checkpointDigestPath(path), ec)) {
    std::ifstream in(checkpointDigestPath(path));
    std::string expected;
    in >> expected;
    if (hashFile(path) != expected)
      throw InputError("checkpoint " + path +
                       " is damaged (its bytes do not match the checksum written with it)");
  }
  torch::serialize::InputArchive archive;
  // LibTorch's reader throws whatever it meets in a damaged archive (c10::Error, std::out_of_range, a
  // header value of the wrong type): to a person, all of it says the file is damaged.
  try {
    archive.load_from(path, device);
    const int64_t version = readCheckpointValue(archive, path, "format_version").toInt();
    if (version != kCheckpointFormatVersion)
      throw InputError("checkpoint " + path + " has format version " + std::to_string(version) +
                       "; this build reads " + std::to_string(kCheckpointFormatVersion));
    const std::string tokHash = readCheckpointValue(archive, path, "tokenizer_hash").toStringRef();
    if (tokHash != tokenizerHash)
      throw InputError("checkpoint " + path + " was trained with another tokenizer (" + tokHash +
                       ", this run has " + tokenizerHash + ")");
    // Compared as configurations, not as text: fields added later read with the defaults of their time.
    const std::string config = readCheckpointValue(archive, path, "model_config").toStringRef();
    if (ModelConfig::fromJson(config) != ModelConfig::fromJson(modelConfigJson))
      throw InputError("checkpoint " + path + " holds a model of another shape: " + config);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw InputError("checkpoint " + path +
                     " is damaged or not a checkpoint (it cannot be read: " + firstLine(e) + ")");
  }
  return archive;
}

}  // namespace pretrain
