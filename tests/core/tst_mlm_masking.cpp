#include <QtTest/QTest>

#include "data/mlm_masking.h"

using namespace pretrain;

namespace {

// Ids 0-4 special; even ids from 6 start words, odd ids continue them.
VocabularyTraits syntheticVocab(int size) {
  VocabularyTraits v;
  for (int id = 0; id < size; ++id) {
    v.special.push_back(id < 5);
    v.startsWord.push_back(id >= 5 && id % 2 == 0);
  }
  return v;
}

}  // namespace

class TstMlmMasking : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void statisticsOverManyTokens() {
    const VocabularyTraits vocab = syntheticVocab(1000);
    std::mt19937_64 rng(7), pick(11);
    std::uniform_int_distribution<int64_t> token(5, 999);
    uint64_t ordinary = 0, selected = 0, masked = 0, random = 0, kept = 0;
    for (int batch = 0; batch < 200; ++batch) {
      std::vector<int64_t> tokens(1024), labels;
      for (size_t i = 0; i < tokens.size(); ++i)
        tokens[i] = i % 50 == 0 ? 3 : token(pick);  // </s> now and then
      const std::vector<int64_t> original = tokens;
      applyMlmMasking(tokens, labels, vocab, MaskingOptions{}, rng);
      for (size_t i = 0; i < tokens.size(); ++i) {
        if (original[i] < 5) {
          QCOMPARE(labels[i], kIgnoreLabel);  // Special tokens are never selected...
          QCOMPARE(tokens[i], original[i]);   // ...nor changed.
          continue;
        }
        ++ordinary;
        if (labels[i] == kIgnoreLabel) {
          QCOMPARE(tokens[i], original[i]);
          continue;
        }
        QCOMPARE(labels[i], original[i]);
        ++selected;
        if (tokens[i] == 4) {
          ++masked;
        } else if (tokens[i] == original[i]) {
          ++kept;
        } else {
          ++random;
          QVERIFY(tokens[i] >= 5);
        }
      }
    }
    const double rate = double(selected) / double(ordinary);
    QVERIFY2(std::abs(rate - 0.15) < 0.005, qPrintable(QString::number(rate)));
    // A random replacement can draw the original token (1 in 995), so "kept" is a hair above 10%.
    QVERIFY(std::abs(double(masked) / double(selected) - 0.8) < 0.01);
    QVERIFY(std::abs(double(random) / double(selected) - 0.1) < 0.01);
    QVERIFY(std::abs(double(kept) / double(selected) - 0.1) < 0.01);
  }

  void wholeWordsAreSelectedWhole() {
    const VocabularyTraits vocab = syntheticVocab(1000);
    std::mt19937_64 rng(3);
    MaskingOptions o;
    o.wholeWord = true;
    uint64_t words = 0, selectedWords = 0;
    for (int batch = 0; batch < 100; ++batch) {
      // Words of 1 to 3 pieces: a word-initial (even) id, then continuation (odd) ids.
      std::vector<int64_t> tokens;
      for (int w = 0; w < 300; ++w) {
        tokens.push_back(6 + 2 * (w % 400));
        for (int k = 0; k < w % 3; ++k) tokens.push_back(7 + 2 * (k % 400));
      }
      std::vector<int64_t> labels;
      applyMlmMasking(tokens, labels, vocab, o, rng);
      for (size_t i = 0; i < tokens.size();) {
        // Every piece of a word shares the first piece's fate.
        const bool sel = labels[i] != kIgnoreLabel;
        size_t j = i + 1;
        for (; j < tokens.size(); ++j) {
          const int64_t orig = labels[j] != kIgnoreLabel ? labels[j] : tokens[j];
          if (vocab.startsWord[size_t(orig)]) break;
          QCOMPARE(labels[j] != kIgnoreLabel, sel);
        }
        ++words;
        selectedWords += sel;
        i = j;
      }
    }
    QVERIFY(std::abs(double(selectedWords) / double(words) - 0.15) < 0.01);
  }

  void sameSeedSameMasks() {
    const VocabularyTraits vocab = syntheticVocab(100);
    std::vector<int64_t> a(500, 42), b(500, 42), la, lb;
    std::mt19937_64 r1(5), r2(5);
    applyMlmMasking(a, la, vocab, {}, r1);
    applyMlmMasking(b, lb, vocab, {}, r2);
    QCOMPARE(a, b);
    QCOMPARE(la, lb);
  }
};

QTEST_GUILESS_MAIN(TstMlmMasking)
#include "tst_mlm_masking.moc"
