// Where words begin and end, for the engine and the studio's word chips alike.
#include <QtTest/QtTest>

#include "tokenizer/word_pieces.h"
#include "util/error.h"

using namespace pretrain;

namespace {

std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  for (const WordSpan& w : splitWords(text)) out.push_back(text.substr(w.begin, w.end - w.begin));
  return out;
}

}  // namespace

class TstWordPieces : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void wordsAreSeparatedBySpacesOnly() {
    // A tab is not where SentencePiece separates words, so it is not where a word ends either.
    QCOMPARE(words(" The quick  brown\tfox "), (std::vector<std::string>{"The", "quick", "brown\tfox"}));
    QCOMPARE(words("naïve café."), (std::vector<std::string>{"naïve", "café."}));
    QVERIFY(splitWords("   ").empty());
    const auto spans = splitWords("a  bc");
    QVERIFY(spans[1] == (WordSpan{3, 5}));
  }

  void aWordsCoreDropsTrailingPunctuation() {
    const std::string text = "dog. naïve, ... x";
    const auto w = splitWords(text);
    QVERIFY(wordCore(text, w[0]) == (WordSpan{0, 3}));   // "dog"
    QVERIFY(wordCore(text, w[1]) == (WordSpan{5, 11}));  // "naïve": ï is two bytes, all kept
    QVERIFY(wordCore(text, w[2]) == w[2]);               // no letter: the whole word
  }

  void maskingWordsKeepsWhatFollowsThem() {
    QCOMPARE(maskWords("The lazy  dog.", {2, 0}), std::string("[MASK] lazy  [MASK]."));
    QCOMPARE(maskWords("The lazy dog.", {}), std::string("The lazy dog."));
    QCOMPARE(maskWords("The [MASK] dog.", {1, 2}), std::string("The [MASK] [MASK]."));
    QVERIFY_THROWS_EXCEPTION(InputError, maskWords("The lazy dog.", {3}));
    QVERIFY_THROWS_EXCEPTION(InputError, maskWords("The lazy dog.", {-1}));
  }

  void fillingInReplacesMasksOrCores() {
    QCOMPARE(fillInWords("The [MASK] fox, lazy dog.", {{1, "brown"}, {4, "cat"}}),
             std::string("The brown fox, lazy cat."));
    QCOMPARE(fillInWords("eat pizza[MASK] now", {{1, "s"}}), std::string("eat pizzas now"));
    QCOMPARE(fillInWords("[MASK][MASK] x", {{0, "a"}, {0, "b"}}), std::string("ab x"));
    QCOMPARE(fillInWords("a b", {{5, "z"}}), std::string("a b"));  // out of range: skipped
    // A fill with a space in it does not move the words after it.
    QCOMPARE(fillInWords("[MASK] b [MASK]", {{0, "x y"}, {2, "z"}}), std::string("x y b z"));
  }

  void piecesBelongToTheWordHoldingTheirLastByte() {
    // "The  quick dog." encoded as ▁The ▁ ▁quick ▁dog . with a dummy prefix (the space before "The").
    const std::string text = "The  quick dog.";
    const std::vector<uint32_t> lengths = {4, 1, 6, 4, 1};
    const std::vector<int32_t> ids = {0, 1, 2, 3, 4};
    const auto pieces = piecesOfWords(text, ids, lengths);
    QCOMPARE(pieces, (std::vector<std::vector<int>>{{0}, {2}, {3, 4}}));
    // Without a dummy prefix the same.
    QCOMPARE(piecesOfWords(text, ids, {3, 1, 6, 4, 1}), (std::vector<std::vector<int>>{{0}, {2}, {3, 4}}));
    // Special tokens (no bytes) belong to no word.
    QCOMPARE(piecesOfWords("ab", {5, 0, 1}, {0, 0, 0, 0, 0, 2}), (std::vector<std::vector<int>>{{0}}));
  }

  void piecesAsText() {
    QCOMPARE(pieceText("\xE2\x96\x81"
                       "the"
                       "\xE2\x96\x81"
                       "end"),
             std::string(" the end"));
    QCOMPARE(shownText("", kSpaceMark), std::string(" "));
    QCOMPARE(shownText("cheese",
                       "\xE2\x96\x81"
                       "cheese"),
             std::string("cheese"));
    QVERIFY(carriesWordOn(PieceKind::ContinuesWord, "ese"));
    QVERIFY(carriesWordOn(PieceKind::ContinuesWord, "\xC3\xAF"));  // a non-ASCII letter
    QVERIFY(!carriesWordOn(PieceKind::ContinuesWord, ","));
    QVERIFY(!carriesWordOn(PieceKind::ContinuesWord, "<0xE2>"));
    QVERIFY(!carriesWordOn(PieceKind::StartsWord, "\xE2\x96\x81x"));
    QVERIFY(!carriesWordOn(PieceKind::Special, "x"));
    QVERIFY(hasWordCharacter("a.") && !hasWordCharacter(".,;"));
  }
};

QTEST_GUILESS_MAIN(TstWordPieces)
#include "tst_word_pieces.moc"
