// The Predictor's rules on a model whose logits the test writes (model_double.h), with a real tokenizer:
// whole next words, the limit of a word's extension, the causal fill's whole-sentence ranking, truncated
// prompts, masked fill and word probabilities, each against a hand-worked answer. Milliseconds each; the
// trained-model tests (tst_predictor) are the end-to-end layer.
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include "infer/predictor.h"
#include "model_double.h"
#include "test_tokenizer.h"

using namespace pretrain;
using testdata::TableModel;

namespace {

constexpr int kContext = 16;

ModelConfig config(Objective objective, int vocab) {
  ModelConfig c;
  c.objective = objective;
  c.vocabSize = vocab;
  c.context = kContext;
  return c;
}

}  // namespace

class TstPredictorRules : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  std::shared_ptr<const Tokenizer> m_tok;

  int32_t single(const std::string& piece) const {
    const std::vector<int32_t> ids = m_tok->encode(piece);
    if (ids.size() != 1) qFatal("'%s' is %d pieces for this tokenizer", piece.c_str(), int(ids.size()));
    return ids[0];
  }
  // A word's pieces after a space, as the Predictor reads a word of its own.
  std::vector<int32_t> wordAfterSpace(const std::string& word) const {
    const std::vector<int32_t> anchor = m_tok->encode("a"), both = m_tok->encode("a " + word);
    return {both.begin() + long(anchor.size()), both.end()};
  }
  std::shared_ptr<TableModel> model(Objective objective, TableModel::Key key) const {
    return std::make_shared<TableModel>(config(objective, m_tok->vocabSize()), key);
  }

 private Q_SLOTS:
  void initTestCase() {
    testdata::writeFile(m_dir.filePath("corpus.txt"), testdata::missionCorpus(40));
    TokenizerOptions o;
    o.vocabSize = 500;
    trainTokenizer(listCorpusFiles({{m_dir.filePath("corpus.txt").toStdString()}}), TextEncoding::Utf8, o,
                   m_dir.filePath("tok.model").toStdString());
    m_tok = Tokenizer::load(m_dir.filePath("tok.model").toStdString());
  }

  void wholeNextWordsMultiplyTheirPieces() {
    const std::string prompt = "I love to eat pizza with";
    const std::vector<int32_t> word = wordAfterSpace("birdsong");
    QVERIFY2(word.size() >= 2 && word.size() <= 4, "an unseen word of a few pieces");
    const int32_t last = m_tok->encode(prompt).back(), cheese = single("cheese"),
                  dot = m_tok->encode("dog.").back();  // "."
    auto m = model(Objective::Causal, TableModel::Key::Current);
    m->set(last, word[0], 5);
    m->set(last, cheese, 4);
    for (size_t i = 0; i + 1 < word.size(); ++i) m->set(word[i], word[i + 1], 9);
    m->set(word.back(), dot, 9);  // Punctuation ends the word.
    double expected = m->probabilityOf(last, word[0]);
    for (size_t i = 0; i + 1 < word.size(); ++i) expected *= m->probabilityOf(word[i], word[i + 1]);

    NextOptions o;
    o.topK = 3;
    o.words = true;
    const NextTokenResult r = Predictor(m, m_tok).next(prompt, o);
    QCOMPARE(r.candidates[0].text, std::string("birdsong"));
    QVERIFY(std::abs(r.candidates[0].prob - expected) < 1e-6);
    QCOMPARE(r.candidates[1].text, std::string("cheese"));
    QVERIFY(std::abs(r.candidates[1].prob - m->probabilityOf(last, cheese)) < 1e-6);
    // The probability of a given word is the same product.
    const WordProbability w = Predictor(m, m_tok).probabilityOf(prompt, "birdsong");
    QCOMPARE(w.pieces, int(word.size()));
    QCOMPARE(w.rank, 1);
    QVERIFY(std::abs(w.prob - expected) < 1e-6);
  }

  void aWordIsExtendedByAtMostThreePieces() {
    const std::vector<int32_t> word = wordAfterSpace("zyxwvutsrq");
    QVERIFY2(word.size() >= 5, "a long unseen word");
    auto m = model(Objective::Causal, TableModel::Key::Current);
    const int32_t last = m_tok->encode("The").back();
    m->set(last, word[0], 8);
    for (size_t i = 0; i + 1 < word.size(); ++i) m->set(word[i], word[i + 1], 8);
    NextOptions o;
    o.words = true;
    const NextTokenResult r = Predictor(m, m_tok).next("The", o);
    QCOMPARE(r.candidates[0].text, m_tok->decode({word[0], word[1], word[2], word[3]}));
  }

  void causalFillRanksByTheWholeSentence() {
    // The left context prefers "red", but "fox" is far more likely after "brown": the sentence decides,
    // by the ratio of the two sentences' probabilities (what follows "fox" is the same for both).
    const int32_t the = single("The"), red = single("red"), brown = single("brown"), fox = single("fox");
    auto m = model(Objective::Causal, TableModel::Key::Current);
    m->set(the, red, 4);
    m->set(the, brown, 2);
    m->set(brown, fox, 6);
    const auto masks = Predictor(m, m_tok).fill("The [MASK] fox jumps over the lazy dog.", 5);
    QCOMPARE(masks.size(), size_t(1));
    QCOMPARE(masks[0].wordIndex, 1);
    const auto& c = masks[0].candidates;
    QCOMPARE(c[0].text, std::string("brown"));
    QCOMPARE(c[1].text, std::string("red"));
    const double ratio = m->probabilityOf(the, brown) * m->probabilityOf(brown, fox) /
                         (m->probabilityOf(the, red) * m->probabilityOf(red, fox));
    QVERIFY(std::abs(c[0].prob / c[1].prob - ratio) < 1e-6 * ratio);
  }

  void truncatedPromptsKeepTheirEnd_data() {
    QTest::addColumn<int>("objective");
    QTest::addColumn<int>("kept");  // positions of the prompt the model reads
    QTest::newRow("causal") << int(Objective::Causal) << kContext;
    QTest::newRow("masked") << int(Objective::Masked) << kContext - 1;  // and a [MASK] after them
  }

  void truncatedPromptsKeepTheirEnd() {
    QFETCH(int, objective);
    QFETCH(int, kept);
    // Every position's logits follow the first piece the model reads: the answer names it.
    auto m = model(Objective(objective), TableModel::Key::First);
    for (int32_t id = 0; id < m_tok->vocabSize(); ++id) m->set(id, id, 9);
    const std::string prompt = "The quick brown fox jumps over the lazy dog and the small red bird sings.";
    std::vector<int32_t> ids = m_tok->encode(prompt);
    if (Objective(objective) == Objective::Causal) ids.insert(ids.begin(), SpecialTokens::kEos);
    QVERIFY(int(ids.size()) > kept);
    const NextTokenResult r = Predictor(m, m_tok).next(prompt, 1);
    QVERIFY(r.truncated);
    QCOMPARE(r.candidates[0].id, ids[ids.size() - size_t(kept)]);
    const NextTokenResult shortOne = Predictor(m, m_tok).next("The quick", 1);
    QVERIFY(!shortOne.truncated);
  }

  void maskedFillReadsTheNeighbours() {
    // Each position's logits follow its left neighbour: after "quick", "red" stands out among the pieces
    // that start a word (the only ones a masked word may start with).
    const int32_t quick = single("quick"), red = single("red");
    auto m = model(Objective::Masked, TableModel::Key::Previous);
    m->set(quick, red, 6);
    const std::vector<PieceKind> kinds = pieceKinds(*m_tok);
    const double starts = double(std::count(kinds.begin(), kinds.end(), PieceKind::StartsWord));
    const double expected = std::exp(6.0) / (std::exp(6.0) + starts - 1);
    const Predictor p(m, m_tok);
    const auto masks = p.fillWords("The quick brown fox.", {2}, 3);
    QCOMPARE(masks.size(), size_t(1));
    QCOMPARE(masks[0].original, std::string("brown"));
    QCOMPARE(masks[0].candidates[0].text, std::string("red"));
    QVERIFY(std::abs(masks[0].candidates[0].prob - expected) < 1e-6);
    QVERIFY(std::abs(p.maskedProbabilityOf("The quick [MASK] fox.", "red").prob - expected) < 1e-6);
    // Typed masks and clicked words together: both filled, each in its word.
    const auto both = p.fillWords("The [MASK] brown fox.", {2}, 3);
    QCOMPARE(both.size(), size_t(2));
    QCOMPARE(both[0].wordIndex, 1);
    QCOMPARE(both[1].wordIndex, 2);
  }

  void badRequestsAreRefused() {
    const Predictor p(model(Objective::Causal, TableModel::Key::Current), m_tok);
    QVERIFY_THROWS_EXCEPTION(InputError, p.next("   ", 3));
    QVERIFY_THROWS_EXCEPTION(InputError, p.fill("no mask here", 3));
    QVERIFY_THROWS_EXCEPTION(InputError, p.fillWords("two words", {2}, 3));
    QVERIFY_THROWS_EXCEPTION(InputError, p.maskedProbabilityOf("[MASK] and [MASK]", "a"));
    QVERIFY_THROWS_EXCEPTION(InputError, p.probabilityOf("The", " "));
  }
};

QTEST_GUILESS_MAIN(TstPredictorRules)
#include "tst_predictor_rules.moc"
