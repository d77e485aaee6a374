#include "tokenizer/tokenizer.h"

#include <dlfcn.h>

#include <filesystem>
#include <mutex>

#include "tokenizer/spm_c_api.h"
#include "util/content_hash.h"
#include "util/error.h"
#include "util/runtime_paths.h"

namespace pretrain {
namespace {

constexpr const char* kModuleName = "libpretrain_spm.so";

struct SpmApi {
#define PST_DECLARE(type, name) type name = nullptr;
  PST_SPM_SYMBOLS(PST_DECLARE)
#undef PST_DECLARE
};

// Loaded once per process and never unloaded: SentencePiece keeps global state (its logging, protobuf).
const SpmApi& spmApi() {
  static SpmApi api;
  static std::string failure;
  static std::once_flag once;
  std::call_once(once, [] {
    try {
      const std::string path = findRuntimeFile(kModuleName);
      // RTLD_DEEPBIND: the module resolves its own symbols (SentencePiece's bundled protobuf) before the
      // process's, so it never meets the protobuf that LibTorch loaded.
      void* lib = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
      if (!lib) throw Error(std::string("cannot load the SentencePiece module: ") + ::dlerror());
#define PST_RESOLVE(type, name)                           \
  api.name = reinterpret_cast<type>(::dlsym(lib, #name)); \
  if (!api.name) throw Error("the SentencePiece module " + path + " lacks " #name);
      PST_SPM_SYMBOLS(PST_RESOLVE)
#undef PST_RESOLVE
    } catch (const std::exception& e) {
      failure = e.what();
    }
  });
  if (!failure.empty()) throw Error(failure);
  return api;
}

}  // namespace

std::shared_ptr<const Tokenizer> Tokenizer::load(const std::string& modelPath) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(modelPath, ec))
    throw InputError("tokenizer model " + modelPath + " does not exist");
  const SpmApi& api = spmApi();
  char err[512] = {0};
  void* handle = api.pst_spm_load(modelPath.c_str(), err, sizeof err);
  if (!handle) throw InputError("cannot load tokenizer " + modelPath + ": " + err);
  std::shared_ptr<Tokenizer> t(new Tokenizer());
  t->m_handle = handle;
  t->m_vocabSize = api.pst_spm_vocab_size(handle);
  t->m_path = modelPath;
  t->m_hash = hashFile(modelPath);
  const std::pair<int32_t, const char*> expected[] = {{SpecialTokens::kPad, "<pad>"},
                                                      {SpecialTokens::kUnk, "<unk>"},
                                                      {SpecialTokens::kBos, "<s>"},
                                                      {SpecialTokens::kEos, "</s>"},
                                                      {SpecialTokens::kMask, "[MASK]"}};
  for (const auto& [id, piece] : expected)
    if (t->piece(id) != piece)
      throw InputError("tokenizer " + modelPath + " was not made by Pretrain Studio: id " +
                       std::to_string(id) + " is '" + t->piece(id) + "', expected '" + piece + "'");
  return t;
}

Tokenizer::~Tokenizer() {
  if (m_handle) spmApi().pst_spm_free(m_handle);
}

void Tokenizer::encodeAppend(std::string_view text, std::vector<int32_t>& out) const {
  const size_t start = out.size();
  // Usually fewer pieces than bytes; with byte fallback a space can become three byte pieces, so a short
  // buffer is answered with the real count and the call is repeated.
  size_t cap = text.size() + 8;
  for (;;) {
    out.resize(start + cap);
    const int64_t n = spmApi().pst_spm_encode(m_handle, text.data(), text.size(), out.data() + start, cap);
    if (n < 0) {
      out.resize(start);
      throw Error("tokenizer failed to encode text (" + std::to_string(text.size()) + " bytes)");
    }
    if (static_cast<size_t>(n) <= cap) {
      out.resize(start + static_cast<size_t>(n));
      return;
    }
    cap = static_cast<size_t>(n);
  }
}

std::vector<int32_t> Tokenizer::encode(std::string_view text) const {
  std::vector<int32_t> ids;
  encodeAppend(text, ids);
  return ids;
}

std::string Tokenizer::decode(const std::vector<int32_t>& ids) const {
  std::string text(ids.size() * 8 + 16, '\0');
  for (;;) {
    const int64_t n = spmApi().pst_spm_decode(m_handle, ids.data(), ids.size(), text.data(), text.size());
    if (n < 0) throw Error("tokenizer failed to decode " + std::to_string(ids.size()) + " ids");
    if (static_cast<size_t>(n) <= text.size()) {
      text.resize(static_cast<size_t>(n));
      return text;
    }
    text.resize(static_cast<size_t>(n));
  }
}

std::string Tokenizer::piece(int32_t id) const { return spmApi().pst_spm_id_to_piece(m_handle, id); }
bool Tokenizer::isByte(int32_t id) const { return spmApi().pst_spm_piece_kind(m_handle, id) == 4; }
bool Tokenizer::isControl(int32_t id) const { return spmApi().pst_spm_piece_kind(m_handle, id) == 2; }

}  // namespace pretrain
