#include "tokenizer/tokenizer.h"

#include <filesystem>

#include "tokenizer/tokenizer_helper.h"
#include "util/content_hash.h"
#include "util/error.h"

namespace pretrain {

std::shared_ptr<const Tokenizer> Tokenizer::load(const std::string& modelPath) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(modelPath, ec))
    throw InputError("tokenizer model " + modelPath + " does not exist");
  std::shared_ptr<Tokenizer> t(new Tokenizer());
  auto helper = std::make_unique<TokenizerHelper>(modelPath);
  t->m_pieces = helper->vocabulary().pieces;
  t->m_scores = helper->vocabulary().scores;
  for (const helper::SpmKind k : helper->vocabulary().kinds) t->m_kinds.push_back(uint8_t(k));
  t->m_idle.push_back(std::move(helper));
  t->m_path = modelPath;
  t->m_hash = tokenizerFileHash(modelPath);
  const std::pair<int32_t, const char*> expected[] = {{SpecialTokens::kPad, "<pad>"},
                                                      {SpecialTokens::kUnk, "<unk>"},
                                                      {SpecialTokens::kBos, "<s>"},
                                                      {SpecialTokens::kEos, "</s>"},
                                                      {SpecialTokens::kMask, kMaskText}};
  for (const auto& [id, piece] : expected)
    if (t->piece(id) != piece)
      throw InputError("tokenizer " + modelPath + " was not made by Pretrain Studio: id " +
                       std::to_string(id) + " is '" + t->piece(id) + "', expected '" + piece + "'");
  return t;
}

Tokenizer::~Tokenizer() = default;

template <typename Request>
auto Tokenizer::withHelper(const Request& request) const {
  std::unique_ptr<TokenizerHelper> helper;
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    if (!m_idle.empty()) {
      helper = std::move(m_idle.back());
      m_idle.pop_back();
    }
  }
  if (!helper) helper = std::make_unique<TokenizerHelper>(m_path);
  // Back to the idle ones whatever happens: a helper that failed has been started again, or will be.
  struct Return {
    const Tokenizer& t;
    std::unique_ptr<TokenizerHelper>& h;
    ~Return() {
      const std::lock_guard<std::mutex> lock(t.m_mutex);
      t.m_idle.push_back(std::move(h));
    }
  } giveBack{*this, helper};
  return request(*helper);
}

std::vector<std::vector<int32_t>> Tokenizer::encodeBatch(const std::vector<std::string_view>& texts) const {
  if (texts.empty()) return {};
  return withHelper([&](TokenizerHelper& h) { return h.encode(texts); });
}

void Tokenizer::encodeAppend(std::string_view text, std::vector<int32_t>& out) const {
  const std::vector<int32_t> ids = encodeBatch({text}).front();
  out.insert(out.end(), ids.begin(), ids.end());
}

std::vector<int32_t> Tokenizer::encode(std::string_view text) const { return encodeBatch({text}).front(); }

std::vector<std::string> Tokenizer::decodeBatch(const std::vector<std::vector<int32_t>>& ids) const {
  if (ids.empty()) return {};
  return withHelper([&](TokenizerHelper& h) { return h.decode(ids); });
}

std::string Tokenizer::decode(const std::vector<int32_t>& ids) const { return decodeBatch({ids}).front(); }

const std::string& Tokenizer::piece(int32_t id) const {
  static const std::string kNone;
  return id >= 0 && id < vocabSize() ? m_pieces[size_t(id)] : kNone;
}

bool Tokenizer::isByte(int32_t id) const {
  return id >= 0 && id < vocabSize() && m_kinds[size_t(id)] == uint8_t(helper::SpmKind::Byte);
}

bool Tokenizer::isControl(int32_t id) const {
  return id >= 0 && id < vocabSize() && m_kinds[size_t(id)] == uint8_t(helper::SpmKind::Control);
}

bool Tokenizer::isUnknown(int32_t id) const {
  return id >= 0 && id < vocabSize() && m_kinds[size_t(id)] == uint8_t(helper::SpmKind::Unknown);
}

float Tokenizer::score(int32_t id) const { return id >= 0 && id < vocabSize() ? m_scores[size_t(id)] : 0.0f; }

pid_t Tokenizer::helperPid() const {
  return withHelper([](TokenizerHelper& h) { return h.pid(); });
}

}  // namespace pretrain
