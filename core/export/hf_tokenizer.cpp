#include "export/hf_tokenizer.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <tuple>
#include <unordered_map>

#include "data/special_tokens.h"
#include "tokenizer/tokenizer.h"
#include "util/error.h"

namespace pretrain {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kMetaspace = "\xE2\x96\x81";  // "▁", SentencePiece's whitespace

// The pieces a text is made of: not special, not bytes (the BPE model falls back to those by itself).
bool isPlainPiece(const Tokenizer& t, int32_t id) {
  return id >= SpecialTokens::kCount && !t.isByte(id) && !t.isControl(id) && !t.isUnknown(id);
}

// SentencePiece's BPE merges are not stored: a piece is made from two others, and a higher score merges
// first. So every split of a piece into two pieces is a merge, ranked by the merged piece's score (ties by
// id), then by the ids of its two halves, as Hugging Face's converter recovers them. Splits fall between
// UTF-8 characters, never inside one.
Json bpeMerges(const Tokenizer& t) {
  std::unordered_map<std::string, int32_t> ids;
  for (int32_t id = 0; id < t.vocabSize(); ++id)
    if (isPlainPiece(t, id)) ids.emplace(t.piece(id), id);
  std::vector<std::tuple<float, int32_t, int32_t, int32_t>> merges;  // -score, merged, left, right
  for (int32_t id = 0; id < t.vocabSize(); ++id) {
    if (!isPlainPiece(t, id)) continue;
    const std::string& piece = t.piece(id);
    for (size_t at = 1; at < piece.size(); ++at) {
      if ((static_cast<unsigned char>(piece[at]) & 0xC0) == 0x80) continue;  // inside a character
      const auto left = ids.find(piece.substr(0, at)), right = ids.find(piece.substr(at));
      if (left != ids.end() && right != ids.end())
        merges.emplace_back(-t.score(id), id, left->second, right->second);
    }
  }
  std::sort(merges.begin(), merges.end());
  Json out = Json::array();
  // "left right": pieces never hold a space (SentencePiece writes it as "▁"), and every version of the
  // library reads this form.
  for (const auto& [score, merged, left, right] : merges) out.push_back(t.piece(left) + " " + t.piece(right));
  return out;
}

Json model(const Tokenizer& t, const std::string& type) {
  if (type == "bpe") {
    Json vocab = Json::object();
    for (int32_t id = 0; id < t.vocabSize(); ++id) vocab[t.piece(id)] = id;
    return {{"type", "BPE"},
            {"dropout", nullptr},
            {"unk_token", t.piece(SpecialTokens::kUnk)},
            {"continuing_subword_prefix", nullptr},
            {"end_of_word_suffix", nullptr},
            {"fuse_unk", true},
            {"byte_fallback", true},
            {"ignore_merges", false},
            {"vocab", vocab},
            {"merges", bpeMerges(t)}};
  }
  if (type == "unigram") {
    Json vocab = Json::array();
    for (int32_t id = 0; id < t.vocabSize(); ++id) vocab.push_back({t.piece(id), double(t.score(id))});
    return {{"type", "Unigram"}, {"unk_id", SpecialTokens::kUnk}, {"vocab", vocab}, {"byte_fallback", true}};
  }
  throw InputError("cannot export a tokenizer of type '" + type + "' (bpe and unigram can be)");
}

Json tokenizerJson(const Tokenizer& t, const std::string& type) {
  Json added = Json::array();
  for (int32_t id = 0; id < SpecialTokens::kCount; ++id)
    added.push_back({{"id", id},
                     {"content", t.piece(id)},
                     {"single_word", false},
                     {"lstrip", false},
                     {"rstrip", false},
                     {"normalized", false},
                     {"special", true}});
  // SentencePiece's "▁" prefix goes before the first part of the text only ("first"), not after each
  // [MASK]; pieces never span a "▁" except at their start (split). One difference remains, the one
  // Hugging Face's own converters have: a text that begins with a space or with [MASK] gets one "▁" token
  // fewer than SentencePiece gives it (the prefix there is unconditional; tokenizers' Prepend normaliser,
  // which would copy that, misplaces [MASK] matches in the version tested, 0.23).
  const Json metaspace = {
      {"type", "Metaspace"}, {"replacement", kMetaspace}, {"prepend_scheme", "first"}, {"split", true}};
  const Json decoder = {{"type", "Sequence"},
                        {"decoders",
                         {{{"type", "Replace"}, {"pattern", {{"String", kMetaspace}}}, {"content", " "}},
                          {{"type", "ByteFallback"}},
                          {{"type", "Fuse"}},
                          {{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}}}};
  return {{"version", "1.0"},          {"truncation", nullptr}, {"padding", nullptr},
          {"added_tokens", added},     {"normalizer", nullptr}, {"pre_tokenizer", metaspace},
          {"post_processor", nullptr}, {"decoder", decoder},    {"model", model(t, type)}};
}

}  // namespace

std::map<std::string, std::string> huggingFaceTokenizerFiles(const Tokenizer& t, const std::string& type,
                                                             int maxLength) {
  const Json special = {{"bos_token", t.piece(SpecialTokens::kBos)},
                        {"eos_token", t.piece(SpecialTokens::kEos)},
                        {"unk_token", t.piece(SpecialTokens::kUnk)},
                        {"pad_token", t.piece(SpecialTokens::kPad)},
                        {"mask_token", t.piece(SpecialTokens::kMask)}};
  Json config = special;
  config["tokenizer_class"] = "PreTrainedTokenizerFast";
  config["model_max_length"] = maxLength;
  config["clean_up_tokenization_spaces"] = false;
  // Documents in a token store carry no <s>; each ends with </s>. Nothing is added around an input.
  config["add_bos_token"] = false;
  config["add_eos_token"] = false;
  return {{"tokenizer.json", tokenizerJson(t, type).dump(2) + "\n"},
          {"tokenizer_config.json", config.dump(2) + "\n"},
          {"special_tokens_map.json", special.dump(2) + "\n"}};
}

}  // namespace pretrain
