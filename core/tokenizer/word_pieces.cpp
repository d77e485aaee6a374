#include "tokenizer/word_pieces.h"

#include <algorithm>
#include <cctype>

#include "data/mlm_masking.h"
#include "data/special_tokens.h"
#include "tokenizer/tokenizer.h"
#include "util/error.h"

namespace pretrain {
namespace {

bool isWordByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || u >= 0x80;
}

}  // namespace

std::vector<PieceKind> pieceKinds(const Tokenizer& tokenizer) {
  std::vector<PieceKind> kinds(size_t(tokenizer.vocabSize()));
  for (int32_t id = 0; id < tokenizer.vocabSize(); ++id)
    kinds[size_t(id)] = id < SpecialTokens::kCount || tokenizer.isControl(id) ? PieceKind::Special
                        : tokenizer.piece(id).rfind(kSpaceMark, 0) == 0       ? PieceKind::StartsWord
                                                                              : PieceKind::ContinuesWord;
  return kinds;
}

VocabularyTraits vocabularyTraits(const Tokenizer& tokenizer) {
  VocabularyTraits v;
  for (const PieceKind k : pieceKinds(tokenizer)) {
    v.special.push_back(k == PieceKind::Special);
    v.startsWord.push_back(k == PieceKind::StartsWord);
  }
  return v;
}

std::string pieceText(std::string_view piece) {
  std::string text(piece);
  for (size_t at; (at = text.find(kSpaceMark)) != std::string::npos;)
    text.replace(at, kSpaceMark.size(), " ");
  return text;
}

std::string shownText(std::string decoded, std::string_view pieces) {
  return decoded.empty() && pieces == kSpaceMark ? std::string(" ") : decoded;
}

std::vector<uint32_t> pieceByteLengths(const Tokenizer& tokenizer) {
  std::vector<uint32_t> lengths(size_t(tokenizer.vocabSize()), 0);
  for (int32_t id = 0; id < tokenizer.vocabSize(); ++id) {
    if (tokenizer.isControl(id)) continue;
    lengths[size_t(id)] = tokenizer.isByte(id) ? 1 : uint32_t(pieceText(tokenizer.piece(id)).size());
  }
  return lengths;
}

bool carriesWordOn(PieceKind kind, std::string_view piece) {
  return kind == PieceKind::ContinuesWord && !piece.empty() && isWordByte(piece.front());
}

bool hasWordCharacter(std::string_view text) {
  for (const char c : text)
    if (isWordByte(c)) return true;
  return false;
}

std::vector<WordSpan> splitWords(std::string_view text) {
  std::vector<WordSpan> words;
  for (size_t pos = 0; pos < text.size();) {
    const size_t begin = text.find_first_not_of(' ', pos);
    if (begin == std::string_view::npos) break;
    const size_t end = std::min(text.find(' ', begin), text.size());
    words.push_back({begin, end});
    pos = end;
  }
  return words;
}

WordSpan wordCore(std::string_view text, WordSpan word) {
  size_t end = word.end;
  while (end > word.begin && !isWordByte(text[end - 1])) --end;
  return end > word.begin ? WordSpan{word.begin, end} : word;
}

std::vector<std::vector<int>> piecesOfWords(std::string_view text, const std::vector<int32_t>& ids,
                                            const std::vector<uint32_t>& byteLengths) {
  const std::vector<WordSpan> words = splitWords(text);
  std::vector<std::vector<int>> pieces(words.size());
  int64_t total = 0;
  for (const int32_t id : ids) total += byteLengths[size_t(id)];
  int64_t end = -std::max<int64_t>(0, total - int64_t(text.size()));  // Before the dummy prefix, if any.
  size_t w = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    const uint32_t length = byteLengths[size_t(ids[i])];
    end += length;
    if (length == 0 || end <= 0) continue;
    const size_t last = size_t(end - 1);
    while (w < words.size() && words[w].end <= last) ++w;
    if (w < words.size() && words[w].begin <= last) pieces[w].push_back(int(i));
  }
  return pieces;
}

std::string maskWords(std::string_view text, const std::vector<int>& indices) {
  const std::vector<WordSpan> words = splitWords(text);
  std::vector<bool> masked(words.size(), false);
  for (const int w : indices) {
    if (w < 0 || size_t(w) >= words.size())
      throw InputError("word " + std::to_string(w) + " is out of range: the text has " +
                       std::to_string(words.size()) + " words");
    masked[size_t(w)] = true;
  }
  std::string out;
  size_t pos = 0;
  for (size_t w = 0; w < words.size(); ++w) {
    // A word that holds a typed [MASK] is masked already (its "core" would cut the mask's bracket).
    if (!masked[w] ||
        text.substr(words[w].begin, words[w].end - words[w].begin).find(kMaskText) != std::string::npos)
      continue;
    const WordSpan core = wordCore(text, words[w]);
    out.append(text.substr(pos, core.begin - pos)).append(kMaskText);
    pos = core.end;
  }
  return out.append(text.substr(pos));
}

std::string fillInWords(std::string text, std::vector<std::pair<int, std::string>> fills) {
  // Last word first: a filled-in word with a space in it would move the words after it.
  std::stable_sort(fills.begin(), fills.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [index, word] : fills) {
    const std::vector<WordSpan> words = splitWords(text);  // Again each time: a fill moves what follows.
    if (index < 0 || size_t(index) >= words.size()) continue;
    const WordSpan w = words[size_t(index)];
    const size_t mask = text.substr(w.begin, w.end - w.begin).find(kMaskText);
    const WordSpan target =
        mask != std::string::npos
            ? WordSpan{w.begin + mask, w.begin + mask + std::string_view(kMaskText).size()}
            : wordCore(text, w);
    text.replace(target.begin, target.end - target.begin, word);
  }
  return text;
}

}  // namespace pretrain
