#include <torch/torch.h>

#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <algorithm>
#include <numeric>

#include "data/special_tokens.h"
#include "infer/comparison.h"
#include "infer/predictor.h"
#include "infer/probe.h"
#include "model/language_model.h"
#include "test_tokenizer.h"
#include "train/trainer.h"

using namespace pretrain;

namespace {

std::unique_ptr<Trainer> trainOn(const testdata::TokenizedCorpus& data, Objective objective, int steps,
                                 int batch, double lr) {
  ModelConfig m;
  m.objective = objective;
  m.vocabSize = data.tokenizer->vocabSize();
  m.layers = 2;
  m.heads = 2;
  m.dim = 64;
  m.mlpDim = 256;
  m.context = 32;
  TrainConfig t;
  t.batch = batch;
  t.steps = steps;
  t.lr = lr;
  t.warmup = 20;
  t.threads = 2;
  t.device = "cpu";
  t.precision = "fp32";
  auto trainer = std::make_unique<Trainer>(m, t, data.store, data.tokenizer);
  while (!trainer->finished()) trainer->step();
  return trainer;
}

}  // namespace

class TstPredictor : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  testdata::TokenizedCorpus m_data;
  std::unique_ptr<Predictor> m_causal, m_masked;

 private Q_SLOTS:
  void initTestCase() {
    m_data = testdata::tokenizedCorpus(m_dir.path(), testdata::missionCorpus());
    // Masked models learn this far more slowly: 15% of positions carry a loss, and word order must be
    // learnt from position embeddings alone (a causal mask gives it for free).
    m_causal = std::make_unique<Predictor>(trainOn(m_data, Objective::Causal, 300, 16, 3e-3)->snapshot(),
                                           m_data.tokenizer);
    m_masked = std::make_unique<Predictor>(trainOn(m_data, Objective::Masked, 2000, 32, 2e-3)->snapshot(),
                                           m_data.tokenizer);
  }

  void pizzaWithCheese() {
    const NextTokenResult r = m_causal->next("I love to eat pizza with", 5);
    QCOMPARE(r.candidates.size(), size_t(5));
    QCOMPARE(r.candidates[0].text, std::string("cheese"));
    QCOMPARE(r.candidates[0].piece, std::string("▁cheese"));
    QVERIFY(r.candidates[0].prob > 0.5);
    QVERIFY(r.candidates[0].prob >= r.candidates[1].prob);
    QVERIFY(!r.truncated);
  }

  void quickBrownFox_data() {
    QTest::addColumn<bool>("masked");
    QTest::newRow("masked model") << true;
    QTest::newRow("causal model, whole-sentence scoring") << false;
  }
  void quickBrownFox() {
    QFETCH(bool, masked);
    const auto& p = masked ? m_masked : m_causal;
    const auto masks = p->fill("The quick [MASK] fox jumps over the lazy dog.", 5);
    QCOMPARE(masks.size(), size_t(1));
    QCOMPARE(masks[0].wordIndex, 2);
    QCOMPARE(masks[0].candidates[0].text, std::string("brown"));
  }

  void probabilitiesSumToOne_data() { quickBrownFox_data(); }
  void probabilitiesSumToOne() {
    QFETCH(bool, masked);
    const auto& p = masked ? m_masked : m_causal;
    const NextTokenResult all = p->next("We like to eat", m_data.tokenizer->vocabSize());
    QCOMPARE(all.candidates.size(), size_t(m_data.tokenizer->vocabSize()));
    double sum = 0;
    for (const auto& c : all.candidates) sum += c.prob;
    QVERIFY2(std::abs(sum - 1.0) < 1e-6, qPrintable(QString::number(sum)));
    QVERIFY(all.entropyBits > 0 && all.entropyBits < std::log2(double(m_data.tokenizer->vocabSize())));
    // Temperature 0: all mass on one token.
    QCOMPARE(p->next("We like to eat", 1, 0.0).candidates[0].prob, 1.0);
  }

  void severalMasksAreFilledMostConfidentFirst() {
    const auto masks = m_masked->fill("I love to eat [MASK] with [MASK].", 3);
    QCOMPARE(masks.size(), size_t(2));
    QCOMPARE(masks[0].wordIndex, 4);
    QCOMPARE(masks[1].wordIndex, 6);
    QCOMPARE(masks[1].candidates[0].text, std::string("cheese"));
  }

  void clickedWordsAreFilledAsWholeWords_data() { quickBrownFox_data(); }
  void clickedWordsAreFilledAsWholeWords() {
    QFETCH(bool, masked);
    const auto& p = masked ? m_masked : m_causal;
    const std::string fox = "The quick brown fox jumps over the lazy dog.";
    auto r = p->fillWords(fox, {2}, 3);
    QCOMPARE(r.size(), size_t(1));
    QCOMPARE(r[0].original, std::string("brown"));
    QCOMPARE(r[0].candidates[0].text, std::string("brown"));
    r = p->fillWords(fox, {8}, 3);  // "dog.": the period stays, the word is masked.
    QCOMPARE(r[0].original, std::string("dog"));
    QCOMPARE(r[0].candidates[0].text, std::string("dog"));
    // Words of several pieces come back whole, with the product of their pieces' probabilities.
    const std::string sauce = "They want to eat pasta with tomato sauce.";
    int multiPiece = 0;
    for (int w = 0; w < 8; ++w) {
      const auto pred = p->fillWords(sauce, {w}, 3).front();
      if (pred.positions.size() < 2) continue;
      ++multiPiece;
      QCOMPARE(pred.candidates[0].text, pred.original);
      QVERIFY(pred.candidates[0].prob > 0 && pred.candidates[0].prob <= 1);
      QVERIFY(pred.candidates[0].prob >= pred.candidates[1].prob);
    }
    QVERIFY2(multiPiece > 0, "no word of several pieces in the sentence: the test needs one");
    QVERIFY_THROWS_EXCEPTION(InputError, p->fillWords(fox, {9}, 3));
  }

  void generationIsSeededAndStreams() {
    GenerateOptions o;
    o.maxNewTokens = 12;
    o.temperature = 0.8;
    o.topK = 20;
    o.topP = 0.95;
    o.seed = 3;
    std::string streamed;
    bool alternativesOk = true;
    const std::string a = m_causal->generate("I love to eat", o, [&](const GeneratedPiece& piece) {
      streamed += piece.text;
      alternativesOk &=
          piece.alternatives.size() == 5 && piece.alternatives[0].prob >= piece.alternatives[4].prob;
      return piece.prob > 0 && piece.prob <= 1;
    });
    QVERIFY(alternativesOk);
    QCOMPARE(streamed, a);
    QVERIFY(!a.empty());
    QCOMPARE(m_causal->generate("I love to eat", o), a);  // Same seed, same text.
    GenerateOptions greedy = o;
    greedy.temperature = 0;
    QVERIFY(m_causal->generate("I love to eat pizza", greedy).rfind(" with cheese", 0) == 0);
  }

  void wordModeAndProbabilityOf() {
    const std::string prompt = "I love to eat pizza with";
    NextOptions o;
    o.topK = 5;
    o.words = true;
    const NextTokenResult words = m_causal->next(prompt, o);
    QCOMPARE(words.candidates[0].text, std::string("cheese"));
    for (size_t i = 1; i < words.candidates.size(); ++i)
      QVERIFY(words.candidates[i - 1].prob >= words.candidates[i].prob);
    const WordProbability cheese = m_causal->probabilityOf(prompt, "cheese");
    QCOMPARE(cheese.rank, 1);
    QVERIFY(std::abs(cheese.prob - m_causal->next(prompt, 1).candidates[0].prob) < 1e-9);
    // A word the model never saw is several pieces, each less likely than the word's start alone.
    const WordProbability odd = m_causal->probabilityOf(prompt, "zqxvw");
    QVERIFY(odd.pieces > 1);
    QVERIFY(odd.rank > 1);
    QVERIFY(odd.prob > 0 && odd.prob < 1e-3);
    QVERIFY_THROWS_EXCEPTION(InputError, m_causal->probabilityOf(prompt, "  "));
  }

  void promptPiecesSayHowExpectedEachWas() {
    NextOptions o;
    o.promptPieces = true;
    // The last piece's probability is the one next() gives it after the pieces before it.
    const NextTokenResult r = m_causal->next("I love to eat pizza with", o);
    QCOMPARE(int(r.pieces.size()), r.promptTokens);
    QCOMPARE(r.pieces.back().text, std::string(" with"));
    QVERIFY(std::abs(r.pieces.back().prob - m_causal->probabilityOf("I love to eat pizza", "with").prob) <
            1e-6);
    // Both models find a sentence of their corpus less surprising than the same words shuffled.
    for (const auto* p : {m_causal.get(), m_masked.get()}) {
      auto meanProb = [&](const std::string& text) {
        const auto pieces = p->next(text, o).pieces;
        double sum = 0;
        for (const auto& piece : pieces) sum += piece.prob;
        return sum / double(pieces.size());
      };
      const double real = meanProb("The quick brown fox jumps over the lazy dog.");
      const double shuffled = meanProb("dog quick The over fox lazy jumps the brown.");
      QVERIFY2(real > 2 * shuffled, qPrintable(QString("%1 vs %2").arg(real).arg(shuffled)));
    }
  }

  void maskedProbabilityOfMatchesFill_data() { quickBrownFox_data(); }
  void maskedProbabilityOfMatchesFill() {
    QFETCH(bool, masked);
    const auto& p = masked ? m_masked : m_causal;
    const std::string text = "The quick [MASK] fox jumps over the lazy dog.";
    const WordProbability brown = p->maskedProbabilityOf(text, "brown");
    QCOMPARE(brown.rank, 1);
    // The same reading as fill()'s (for a causal model, among as many whole-sentence candidates).
    const double filled = p->fill(text, kProbeCandidates)[0].candidates[0].prob;
    QVERIFY2(std::abs(brown.prob - filled) < 1e-9 * filled,
             qPrintable(QString("%1 vs %2").arg(brown.prob).arg(filled)));
    QVERIFY(p->maskedProbabilityOf(text, "butter").rank != 1);
    // A word the model would never propose is still ranked, last or nearly, with a tiny probability.
    const WordProbability odd = p->maskedProbabilityOf(text, "zqxvw");
    QVERIFY(odd.rank > 1);
    QVERIFY(odd.prob >= 0 && odd.prob < 1e-3);
    QVERIFY_THROWS_EXCEPTION(InputError, p->maskedProbabilityOf("no mask", "brown"));
  }

  void longPromptsKeepTheirEnd() {
    std::string prompt;
    for (int i = 0; i < 20; ++i) prompt += "We like to eat bread with butter. ";
    prompt += "I love to eat pizza with";
    const NextTokenResult r = m_causal->next(prompt, 3);
    QVERIFY(r.truncated);
    QVERIFY(r.promptTokens > 32);
    QCOMPARE(r.candidates[0].text, std::string("cheese"));
  }

  // The lens at the model's own output reads what next() reads: for the word asked for, its first piece's
  // probability in the next-piece distribution, and the rank probabilityOf() gives the word. A word of
  // several pieces (zqxvw, in any vocabulary trained here) is where the two could part: the word's own
  // probability is then the product of its pieces', below the first piece's. A masked model reads a
  // sentence's own [MASK] where it is, as fill() does.
  void theLensRanksTheWordAskedFor_data() {
    QTest::addColumn<bool>("masked");
    QTest::addColumn<QString>("word");
    for (const bool masked : {true, false})
      for (const char* word : {"bread", "zqxvw"})
        QTest::addRow("%s, %s", masked ? "masked" : "causal", word) << masked << QString(word);
  }
  void theLensRanksTheWordAskedFor() {
    QFETCH(bool, masked);
    QFETCH(QString, word);
    const auto& p = masked ? m_masked : m_causal;
    const std::string prompt = "I love to eat pizza with";
    const LensResult lens = p->lens(prompt, 3, word.toStdString());
    QCOMPARE(lens.word.size(), lens.layers.size());
    const WordProbability direct = p->probabilityOf(prompt, word.toStdString());
    QCOMPARE(int(lens.wordPieces.size()), direct.pieces);
    if (word == "zqxvw") QVERIFY(direct.pieces > 1);
    const PieceRank& atOutput = lens.word.back().back();
    NextOptions all;
    all.topK = p->config().vocabSize;
    const std::vector<TokenCandidate> next = p->next(prompt, all).candidates;
    const auto first = std::find_if(next.begin(), next.end(),
                                    [&](const TokenCandidate& c) { return c.id == lens.wordPieces.front(); });
    QVERIFY(first != next.end());
    // The same rank, but for pieces so close to it that the two code paths' rounding may order them
    // either way (on any CPU: none, or one or two in the tail).
    const auto nearlyTied = std::count_if(next.begin(), next.end(), [&](const TokenCandidate& c) {
      return c.id != first->id && std::abs(c.prob - first->prob) < 1e-4 * first->prob;
    });
    QVERIFY2(std::abs(atOutput.rank - direct.rank) <= nearlyTied,
             qPrintable(QString("rank %1 vs %2").arg(atOutput.rank).arg(direct.rank)));
    // The same forward pass in two code paths (float32 softmax, float64 in the lens): equal to ~1e-6.
    QVERIFY2(std::abs(atOutput.prob - first->prob) < 1e-4 * first->prob,
             qPrintable(QString("%1 vs %2").arg(atOutput.prob).arg(first->prob)));
    if (direct.pieces == 1)
      QVERIFY(std::abs(direct.prob - first->prob) < 1e-4 * first->prob);
    else
      QVERIFY(direct.prob < first->prob);
    QVERIFY(p->lens(prompt, 3).word.empty());  // None asked for.
    if (!masked) return;
    const std::string sentence = "The quick [MASK] fox jumps over the lazy dog.";
    const LensResult read = m_masked->lens(sentence, 1);
    const auto mask = std::find(read.ids.begin(), read.ids.end(), SpecialTokens::kMask);
    QVERIFY(mask != read.ids.end());
    QVERIFY(read.ids.back() != SpecialTokens::kMask);  // Nothing appended.
    const size_t at = size_t(mask - read.ids.begin());
    QCOMPARE(read.layers.back()[at][0].id, m_masked->fill(sentence, 1)[0].candidates[0].id);
  }

  // Where the lens first ranks a probe's target first: what the lens itself says, layer by layer.
  void probeTopLayersReadTheLens() {
    const std::vector<Probe> probes = {{"I love to eat pizza with", "cheese"},
                                       {"The quick [MASK] fox jumps over the lazy dog.", "brown"}};
    for (const Predictor* p : {m_causal.get(), m_masked.get()}) {
      const std::vector<int> layers = probeTopLayers(*p, probes);
      QCOMPARE(layers.size(), probes.size());
      const LensResult lens = p->lens(probes[0].text, 1, probes[0].target);
      int first = 0;
      for (size_t l = 0; l < lens.word.size() && !first; ++l)
        if (lens.word[l].back().rank == 1) first = int(l) + 1;
      QCOMPARE(layers[0], first);
      // The output is the last layer's lens: a model that ranks cheese first there has a layer for it.
      const bool outputFirst = p->probabilityOf(probes[0].text, probes[0].target).rank == 1;
      QVERIFY(outputFirst || p == m_masked.get());  // The causal one does (pizzaWithCheese).
      if (outputFirst) QVERIFY(layers[0] >= 1);
    }
    QCOMPARE(probeTopLayers(*m_causal, probes)[1], -1);  // A causal model's fill is not the lens's.
    QVERIFY(probeTopLayers(*m_masked, probes)[1] >= 1);  // quickBrownFox: the output ranks brown first.
  }

  // A/B: a model against itself differs by nothing; two different models by something, each surprised
  // where the other is not; models that read text with different tokenizers cannot be compared piece by
  // piece.
  void comparingTwoModels() {
    const std::string prompt = "I love to eat pizza with cheese";
    const NextComparison self = compareNext(*m_causal, *m_causal, prompt, 5);
    QCOMPARE(self.klBits, 0.0);
    QCOMPARE(self.a.size(), size_t(5));
    for (const PieceSurprise& s : self.pieces) QCOMPARE(s.bitsA, s.bitsB);
    const Predictor untrained(makeModel(m_causal->config()), m_data.tokenizer);
    const NextComparison ab = compareNext(*m_causal, untrained, prompt, 5);
    QVERIFY2(ab.klBits > 1, qPrintable(QString::number(ab.klBits)));
    QCOMPARE(ab.pieces.size(), self.pieces.size());
    QCOMPARE(QString::fromStdString(ab.pieces.back().text).trimmed(), QString("cheese"));
    QVERIFY(ab.pieces.back().bitsB > ab.pieces.back().bitsA + 3);  // Learnt by A only.
    QCOMPARE(ab.pieces.back().bitsA,
             -std::log2(m_causal->next(prompt, {5, 1.0, false, true}).pieces.back().prob));
    QTemporaryDir other;
    const auto data = testdata::tokenizedCorpus(other.path(), testdata::missionCorpus(), 300);
    ModelConfig m = m_causal->config();
    m.vocabSize = data.tokenizer->vocabSize();
    const Predictor stranger(makeModel(m), data.tokenizer);
    QVERIFY_THROWS_EXCEPTION(InputError, compareNext(*m_causal, stranger, prompt, 5));
  }

  void badInput() {
    QVERIFY_THROWS_EXCEPTION(InputError, m_causal->next("   ", 5));
    QVERIFY_THROWS_EXCEPTION(InputError, m_masked->fill("no mask here", 5));
    std::string longText = "[MASK]";
    for (int i = 0; i < 40; ++i) longText += " the quick brown fox";
    QVERIFY_THROWS_EXCEPTION(InputError, m_masked->fill(longText, 5));
    QVERIFY_THROWS_EXCEPTION(InputError, m_causal->generate("", GenerateOptions{}));
  }
};

QTEST_GUILESS_MAIN(TstPredictor)
#include "tst_predictor.moc"
