#include "tokenizer/tokenizer_helper.h"

#include "util/child_connection.h"
#include "util/error.h"
#include "util/runtime_paths.h"

namespace pretrain {
namespace {

constexpr const char* kHelperName = "pretrain-tokenizer";
// Helpers started again over one tokenizer's life before it is given up: a crash now and then (the
// helper killed by the system under memory pressure, say) is survivable; a helper that crashes on
// every request is a bug to report, not to hide.
constexpr int kMaxRestarts = 3;

uint32_t readU32(ChildConnection& c) {
  uint32_t v = 0;
  c.read(&v, sizeof v);
  return v;
}

std::string readText(ChildConnection& c) {
  std::string s(readU32(c), '\0');
  c.read(s.data(), s.size());
  return s;
}

void writeU32(ChildConnection& c, size_t v) {
  if (v > UINT32_MAX) throw InputError("a text or batch of over 4 GB cannot be tokenized in one piece");
  const auto u = uint32_t(v);
  c.write(&u, sizeof u);
}

// The reply's status: an error the helper reports (the connection stays in step).
void readStatus(ChildConnection& c) {
  if (readU32(c) != helper::kOk) throw Error("the tokenizer helper says: " + readText(c));
}

}  // namespace

TokenizerHelper::TokenizerHelper(std::string modelPath) : m_path(std::move(modelPath)) { start(); }

TokenizerHelper::~TokenizerHelper() = default;

pid_t TokenizerHelper::pid() {
  if (!m_child) start();
  return m_child->pid();
}

void TokenizerHelper::start() {
  m_child.reset();
  auto child = std::make_unique<ChildConnection>(
      std::vector<std::string>{findRuntimeFile(kHelperName), "serve", m_path});
  Vocabulary vocabulary;
  try {
    if (readU32(*child) != helper::kMagic)
      throw InputError("the tokenizer helper does not speak its protocol");
    if (readU32(*child) != helper::kOk)
      throw InputError("cannot load tokenizer " + m_path + ": " + readText(*child));
    const uint32_t size = readU32(*child);
    for (uint32_t id = 0; id < size; ++id) {
      uint8_t kind = 0;
      child->read(&kind, 1);
      vocabulary.kinds.push_back(helper::SpmKind(kind));
      float score = 0;
      child->read(&score, sizeof score);
      vocabulary.scores.push_back(score);
      vocabulary.pieces.push_back(readText(*child));
    }
  } catch (const ChildGone&) {
    throw InputError("cannot load tokenizer " + m_path + ": the tokenizer helper " + child->howItEnded() +
                     " while reading it (the file is damaged or not a tokenizer)");
  }
  if (!m_vocabulary.pieces.empty() && vocabulary.pieces != m_vocabulary.pieces)
    throw Error("tokenizer " + m_path + " changed on disk while in use");
  m_vocabulary = std::move(vocabulary);
  m_child = std::move(child);
}

template <typename Send, typename Receive>
void TokenizerHelper::request(const Send& send, const Receive& receive) {
  for (int attempt = 0;; ++attempt) {
    try {
      if (!m_child) start();
      send(*m_child);
      m_child->flush();
      receive(*m_child);
      return;
    } catch (const ChildGone& e) {
      m_child.reset();
      if (attempt > 0 || ++m_restarts > kMaxRestarts)
        throw Error("the tokenizer helper keeps failing (" + firstLine(e) + ", " +
                    std::to_string(m_restarts) + " restarts): tokenizer " + m_path + " cannot be used");
    } catch (const Error&) {
      throw;  // The helper's own message (it read the whole request), or the file cannot be loaded.
    } catch (...) {
      m_child.reset();  // Out of memory half way through a request, say: no longer in step.
      throw;
    }
  }
}

std::vector<std::vector<int32_t>> TokenizerHelper::encode(const std::vector<std::string_view>& texts) {
  std::vector<std::vector<int32_t>> out;
  request(
      [&](ChildConnection& c) {
        const auto op = uint8_t(helper::Op::Encode);
        c.write(&op, 1);
        writeU32(c, texts.size());
        for (const std::string_view t : texts) {
          writeU32(c, t.size());
          c.write(t.data(), t.size());
        }
      },
      [&](ChildConnection& c) {
        readStatus(c);
        out.assign(texts.size(), {});
        for (auto& ids : out) {
          ids.resize(readU32(c));
          c.read(ids.data(), ids.size() * sizeof(int32_t));
        }
      });
  return out;
}

std::vector<std::string> TokenizerHelper::decode(const std::vector<std::vector<int32_t>>& ids) {
  std::vector<std::string> out;
  request(
      [&](ChildConnection& c) {
        const auto op = uint8_t(helper::Op::Decode);
        c.write(&op, 1);
        writeU32(c, ids.size());
        for (const auto& row : ids) {
          writeU32(c, row.size());
          c.write(row.data(), row.size() * sizeof(int32_t));
        }
      },
      [&](ChildConnection& c) {
        readStatus(c);
        out.clear();
        for (size_t i = 0; i < ids.size(); ++i) out.push_back(readText(c));
      });
  return out;
}

}  // namespace pretrain
