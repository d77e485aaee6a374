// Batches read from a real token store: what each row holds, where it comes from, and which positions
// carry a loss. The answers are worked from the store's own tokens, not from another sampler.

#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include "data/special_tokens.h"
#include "test_data.h"
#include "test_tokenizer.h"
#include "tokenizer/word_pieces.h"
#include "train/batch_sampler.h"

using namespace pretrain;

namespace {

constexpr int kContext = 16;

std::vector<int64_t> tokensOf(const TokenStore& store, TokenSplit split, uint64_t from, uint64_t count) {
  std::vector<int64_t> out(count);
  store.read(split, from, count, out.data());
  return out;
}

std::vector<int64_t> slice(const std::vector<int64_t>& v, int64_t from, int64_t count) {
  return {v.begin() + from, v.begin() + from + count};
}

}  // namespace

class TstBatchSampler : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  testdata::TokenizedCorpus m_data;

  BatchSampler sampler(Objective objective, MaskingOptions masking = {}) const {
    return BatchSampler(m_data.store, objective, kContext, vocabularyTraits(*m_data.tokenizer), masking);
  }

 private Q_SLOTS:
  void initTestCase() { m_data = testdata::tokenizedCorpus(m_dir.path(), testdata::textCorpus(40, 25)); }

  void rowsOfCopiesWholeRows() {
    const Batch b{3, 2, {1, 2, 3, 4, 5, 6}, {11, 12, 13, 14, 15, 16}};
    const Batch middle = rowsOf(b, 1, 2);
    QCOMPARE(middle.rows, int64_t(2));
    QCOMPARE(middle.cols, int64_t(2));
    QCOMPARE(middle.inputs, (std::vector<int64_t>{3, 4, 5, 6}));
    QCOMPARE(middle.targets, (std::vector<int64_t>{13, 14, 15, 16}));
  }

  void causalValidationIsConsecutiveWindows() {
    // 5 windows in batches of 2: batches of 2, 2 and 1 rows; window w is tokens [16w, 16w + 16) of the
    // validation split, each predicting the token after it.
    const BatchSampler s = sampler(Objective::Causal);
    const std::vector<Batch> batches = s.fixedBatches(TokenSplit::Validation, 5, 2);
    QCOMPARE(int(batches.size()), 3);
    QCOMPARE(batches[2].rows, int64_t(1));
    const std::vector<int64_t> split = tokensOf(*m_data.store, TokenSplit::Validation, 0, 5 * kContext + 1);
    for (int w = 0; w < 5; ++w) {
      const Batch& b = batches[size_t(w / 2)];
      const int64_t row = w % 2;
      QCOMPARE(b.cols, int64_t(kContext));
      QCOMPARE(slice(b.inputs, row * kContext, kContext), slice(split, w * kContext, kContext));
      QCOMPARE(slice(b.targets, row * kContext, kContext), slice(split, w * kContext + 1, kContext));
    }
    const std::vector<Batch> again = s.fixedBatches(TokenSplit::Validation, 5, 2);
    QCOMPARE(again[1].inputs, batches[1].inputs);
  }

  void causalTrainingRowsAreWindowsOfTheTrainSplit() {
    const BatchSampler s = sampler(Objective::Causal);
    std::mt19937_64 rng(3);
    const Batch b = s.trainBatch(4, rng);
    QCOMPARE(b.rows, int64_t(4));
    QCOMPARE(int64_t(b.inputs.size()), 4 * kContext);
    const uint64_t n = m_data.store->size(TokenSplit::Train);
    const std::vector<int64_t> split = tokensOf(*m_data.store, TokenSplit::Train, 0, n);
    for (int64_t r = 0; r < 4; ++r) {
      const std::vector<int64_t> row = slice(b.inputs, r * kContext, kContext);
      bool found = false;  // Some window [start, start + 17) of the split is this row and its targets.
      for (uint64_t start = 0; start + kContext < n && !found; ++start)
        found = slice(split, int64_t(start), kContext) == row &&
                slice(split, int64_t(start) + 1, kContext) == slice(b.targets, r * kContext, kContext);
      QVERIFY2(found, qPrintable(QString("row %1").arg(r)));
    }
    std::mt19937_64 same(3);
    QCOMPARE(s.trainBatch(4, same).inputs, b.inputs);  // The generator decides everything.
  }

  void maskedTargetsAreTheHiddenTokens() {
    // Every selected position becomes [MASK] (mask share 1), and its target is the token the store holds
    // there; all other positions carry no loss and keep their token.
    MaskingOptions m;
    m.rate = 0.3;
    m.maskShare = 1;
    m.randomShare = 0;
    const BatchSampler s = sampler(Objective::Masked, m);
    const std::vector<Batch> batches = s.fixedBatches(TokenSplit::Validation, 4, 4);
    QCOMPARE(int(batches.size()), 1);
    const std::vector<int64_t> split = tokensOf(*m_data.store, TokenSplit::Validation, 0, 4 * kContext);
    int selected = 0;
    for (size_t i = 0; i < split.size(); ++i) {
      const int64_t target = batches[0].targets[i], input = batches[0].inputs[i];
      if (target == kIgnoreLabel) {
        QCOMPARE(input, split[i]);
      } else {
        ++selected;
        QCOMPARE(target, split[i]);
        QCOMPARE(input, int64_t(SpecialTokens::kMask));
      }
    }
    QVERIFY2(selected >= 4 * 2 && selected <= 4 * 9, qPrintable(QString::number(selected)));  // ~30% of 64
  }
};

QTEST_GUILESS_MAIN(TstBatchSampler)
#include "tst_batch_sampler.moc"
