#pragma once
// Words and the pieces that make them: the one place that knows how SentencePiece marks a word's start
// (U+2581 "▁", the space before a piece), which pieces start, continue or never belong to a word, and
// where a text's words begin and end. Whole-word masking, inference (word candidates, masked words) and
// the studio's word chips all follow it, so they agree on what "word 3" of a sentence is.
// No LibTorch here.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pretrain {

class Tokenizer;
struct VocabularyTraits;

/// SentencePiece's mark for the space before a piece (U+2581 "▁"), as pieces are written.
inline constexpr std::string_view kSpaceMark = "\xE2\x96\x81";

enum class PieceKind : uint8_t {
  ContinuesWord,  ///< No leading space: carries on the text before it ("ese" of "▁che|ese", ",", a byte).
  StartsWord,     ///< Begins with the space mark: "▁cheese".
  Special,        ///< A special or control token: never part of a word.
};

/// The kind of every id of `tokenizer`.
std::vector<PieceKind> pieceKinds(const Tokenizer& tokenizer);
/// Masking's view of the same: which ids are special, which start a word.
VocabularyTraits vocabularyTraits(const Tokenizer& tokenizer);

/// A piece as text: each space mark becomes a space ("▁the" -> " the").
std::string pieceText(std::string_view piece);
/// How a candidate is shown: its decoded text, or a space where it is a lone space mark (which decodes
/// to nothing on its own).
std::string shownText(std::string decoded, std::string_view pieces);
/// Bytes of text each id stands for: a space mark one, a byte piece one, special tokens none.
std::vector<uint32_t> pieceByteLengths(const Tokenizer& tokenizer);
/// Whether a piece of `kind` carries the word before it on: no leading space, and a letter or digit
/// first (not punctuation, not a byte piece).
bool carriesWordOn(PieceKind kind, std::string_view piece);
/// True when `text` holds a letter or digit (any non-ASCII character counts as one).
bool hasWordCharacter(std::string_view text);

/// Bytes [begin, end) of a text.
struct WordSpan {
  size_t begin = 0, end = 0;
  bool operator==(const WordSpan& o) const { return begin == o.begin && end == o.end; }
};
/// The words of `text`: runs of characters between spaces (U+0020), which is where SentencePiece
/// separates words (a tab or other character belongs to the word around it).
std::vector<WordSpan> splitWords(std::string_view text);
/// What masking a word hides: the word up to its last letter or digit ("dog." -> "dog"), the whole word
/// when it has none.
WordSpan wordCore(std::string_view text, WordSpan word);
/// For each word of `text` (splitWords()), the positions in `ids` (the text's encoding) of its pieces: a
/// piece belongs to the word that holds its last byte, so a piece of spaces alone belongs to none.
/// `byteLengths` as pieceByteLengths() gives them; a tokenizer's dummy prefix (the space it adds before
/// the first word) is allowed for.
std::vector<std::vector<int>> piecesOfWords(std::string_view text, const std::vector<int32_t>& ids,
                                            const std::vector<uint32_t>& byteLengths);
/// `text` with the cores of the words at `indices` replaced by [MASK] ("dog." -> "[MASK]."); a word that
/// holds a [MASK] already stays as it is. Throws InputError for an index out of range.
std::string maskWords(std::string_view text, const std::vector<int>& indices);
/// `text` with a filled-in word for each (word index, word): the word's first [MASK] is replaced where it
/// has one, else its core. Indices refer to `text` as given, whatever the fills hold; out of range are
/// skipped.
std::string fillInWords(std::string text, std::vector<std::pair<int, std::string>> fills);

}  // namespace pretrain
