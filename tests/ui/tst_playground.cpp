// The Playground page driven as a person would (offscreen), on real models trained for a moment: typing
// updates the chart with the engine's own probabilities, chips mask and unmask words, probes are pinned,
// and empty or over-long input gives a note instead of an error. Both model kinds.
#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QDoubleSpinBox>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QTextBrowser>
#include <QtWidgets/QToolButton>

#include "infer/predictor.h"
#include "test_model.h"
#include "test_tokenizer.h"
#include "test_training.h"
#include "test_widgets.h"
#include "train/trainer.h"
#include "ui/playground/masked_word_pane.h"
#include "ui/playground/next_word_pane.h"
#include "ui/playground/playground_page.h"
#include "ui/plots/bar_chart.h"
#include "ui/workers/inference_service.h"

using namespace pretrain;
using namespace pretrain::ui;
using testdata::child;

class TstPlayground : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  testdata::TokenizedCorpus m_data;
  std::shared_ptr<const Predictor> m_causal, m_masked;

 private Q_SLOTS:
  void initTestCase() {
    m_data = testdata::tokenizedCorpus(m_dir.path(), testdata::missionCorpus());
    m_causal = testdata::briefModel(m_data, Objective::Causal);
    m_masked = testdata::briefModel(m_data, Objective::Masked);
  }

  void withoutAModelItSaysWhatToDo() {
    PlaygroundPage page;
    page.show();
    QVERIFY(!page.hasModel());
    bool told = false;
    for (QLabel* l : page.findChildren<QLabel*>())
      told |= l->isVisible() && l->text().contains("No model yet");
    QVERIFY(told);
    QVERIFY(!child<NextWordPane>(&page, "nextWord")->isVisible());
  }

  void typingShowsTheEnginesNextWords_data() {
    QTest::addColumn<bool>("masked");
    QTest::newRow("causal") << false;
    QTest::newRow("masked") << true;
  }
  void typingShowsTheEnginesNextWords() {
    QFETCH(bool, masked);
    const auto& predictor = masked ? m_masked : m_causal;
    PlaygroundPage page;
    page.show();
    page.setPredictor(predictor, "test model");
    NextWordPane* pane = child<NextWordPane>(&page, "nextWord");
    pane->promptEdit()->clear();
    QTest::keyClicks(pane->promptEdit(), "We like to eat");
    NextOptions o;
    o.topK = 10;
    o.words = true;
    const NextTokenResult expected = predictor->next("We like to eat", o);
    QTRY_COMPARE(pane->chart()->values().size(), qsizetype(expected.candidates.size()));
    for (size_t i = 0; i < expected.candidates.size(); ++i) {
      QVERIFY(std::abs(pane->chart()->values()[qsizetype(i)] - expected.candidates[i].prob) < 1e-12);
      QVERIFY(pane->chart()->labels()[qsizetype(i)].endsWith(
          QString::fromStdString(expected.candidates[i].text)));
    }
    QVERIFY(pane->infoLabel()->text().contains("Entropy"));
    QVERIFY(!pane->piecesView()->toPlainText().isEmpty());  // The prompt's pieces, tinted.

    // Piece mode shows the engine's next pieces.
    pane->wordsBox()->setChecked(false);
    o.words = false;
    const NextTokenResult pieces = predictor->next("We like to eat", o);
    QTRY_VERIFY(std::abs(pane->chart()->values()[0] - pieces.candidates[0].prob) < 1e-12);

    // "Probability of" any word, with its rank.
    const WordProbability bread = predictor->probabilityOf("We like to eat", "bread");
    QTest::keyClicks(pane->probabilityOfEdit(), "bread");
    QTRY_VERIFY(pane->infoLabel()->text().contains(QString("rank %1").arg(bread.rank)));
  }

  void emptyAndOverlongPromptsGiveANote() {
    PlaygroundPage page;
    page.show();
    page.setPredictor(m_causal, "test model");
    NextWordPane* pane = child<NextWordPane>(&page, "nextWord");
    pane->promptEdit()->setText("   ");
    pane->refresh();
    QVERIFY(pane->infoLabel()->text().contains("Type a prompt"));
    QCOMPARE(pane->chart()->values().size(), 0);
    QString longPrompt;
    for (int i = 0; i < 20; ++i) longPrompt += "We like to eat bread with butter. ";
    pane->promptEdit()->setText(longPrompt);
    pane->refresh();
    QTRY_VERIFY(pane->infoLabel()->text().contains("longer than the model's context"));
    QVERIFY(!pane->chart()->values().isEmpty());
  }

  void chipsMaskAndUnmaskWords_data() { typingShowsTheEnginesNextWords_data(); }
  void chipsMaskAndUnmaskWords() {
    QFETCH(bool, masked);
    const auto& predictor = masked ? m_masked : m_causal;
    PlaygroundPage page;
    page.show();
    page.setPredictor(predictor, "test model");
    MaskedWordPane* pane = child<MaskedWordPane>(&page, "maskedWord");
    // First open: "brown" is masked in the example sentence.
    const QString sentence = pane->sentenceEdit()->text();
    QCOMPARE(sentence, QString("The quick brown fox jumps over the lazy dog."));
    QTRY_COMPARE(pane->candidateCharts().size(), 1);
    const auto expected = predictor->fillWords(sentence.toStdString(), {2}, 8);
    QTRY_COMPARE(pane->candidateCharts()[0]->labels().value(0),
                 QString::fromStdString(expected[0].candidates[0].text));
    QTest::mouseClick(pane->chips()[8], Qt::LeftButton);  // "dog." too.
    QTRY_COMPARE(pane->candidateCharts().size(), 2);
    QTest::mouseClick(pane->chips()[2], Qt::LeftButton);  // Unmask "brown".
    QTRY_COMPARE(pane->candidateCharts().size(), 1);
    QVERIFY(pane->candidateCharts()[0]->chart()->title().contains("dog"));
    QTest::mouseClick(pane->chips()[8], Qt::LeftButton);
    QTRY_COMPARE(pane->candidateCharts().size(), 0);

    // A typed [MASK] works too, and "Fill all" writes the best candidate in its place.
    pane->sentenceEdit()->setText("The quick [MASK] fox jumps over the lazy dog.");
    QTRY_COMPARE(pane->candidateCharts().size(), 1);
    QVERIFY(!pane->chips()[2]->isEnabled());  // A typed mask is not a chip to click.
    const QString best = pane->candidateCharts()[0]->labels().value(0);
    pane->fillAll();
    QCOMPARE(pane->sentenceEdit()->text(), "The quick " + best + " fox jumps over the lazy dog.");
  }

  void pinningMakesProbes() {
    PlaygroundPage page;
    page.show();
    page.setPredictor(m_causal, "test model");
    QSignalSpy changed(&page, &PlaygroundPage::probesChanged);
    NextWordPane* next = child<NextWordPane>(&page, "nextWord");
    next->promptEdit()->setText("I love to eat pizza with");
    next->probabilityOfEdit()->setText("cheese");
    for (QPushButton* b : next->findChildren<QPushButton*>())
      if (b->text() == "Pin as probe") QTest::mouseClick(b, Qt::LeftButton);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(page.probes().at(0).target, std::string("cheese"));
    MaskedWordPane* masked = child<MaskedWordPane>(&page, "maskedWord");
    QTRY_COMPARE(masked->candidateCharts().size(), 1);  // "brown" masked
    for (QPushButton* b : masked->findChildren<QPushButton*>())
      if (b->text() == "Pin as probe") QTest::mouseClick(b, Qt::LeftButton);
    QCOMPARE(page.probes().size(), size_t(2));
    QCOMPARE(page.probes().at(1).text, std::string("The quick [MASK] fox jumps over the lazy dog."));
    QCOMPARE(page.probes().at(1).target, std::string("brown"));
  }

  void typedMasksAndClickedWordsFillTogether_data() { typingShowsTheEnginesNextWords_data(); }
  void typedMasksAndClickedWordsFillTogether() {
    QFETCH(bool, masked);
    PlaygroundPage page;
    page.show();
    page.setPredictor(masked ? m_masked : m_causal, "test model");
    MaskedWordPane* pane = child<MaskedWordPane>(&page, "maskedWord");
    pane->sentenceEdit()->setText("The quick [MASK] fox jumps over the lazy dog.");
    QTRY_COMPARE(pane->candidateCharts().size(), 1);      // The typed mask.
    QTest::mouseClick(pane->chips()[8], Qt::LeftButton);  // "dog." as well: both are filled together.
    QTRY_COMPARE(pane->candidateCharts().size(), 2);
    bool dog = false;
    for (BarChart* chart : pane->candidateCharts()) dog |= chart->chart()->title().startsWith("Word 9 (dog");
    QVERIFY(dog);
    pane->fillAll();
    const QString filled = pane->sentenceEdit()->text();
    QVERIFY2(!filled.contains("[MASK]") && filled.startsWith("The quick ") && filled.endsWith("."),
             qPrintable(filled));
  }

  void fillAndPinFollowTheEnginesWords() {
    PlaygroundPage page;
    page.show();
    page.setPredictor(m_masked, "test model");
    MaskedWordPane* pane = child<MaskedWordPane>(&page, "maskedWord");
    // Words are the engine's (pretrain::splitWords): runs between spaces, a tab inside a word.
    const QString text = "We  eat\tit bread.";
    pane->sentenceEdit()->setText(text);
    QTRY_COMPARE(pane->chips().size(), 3);  // We · eat<tab>it · bread.
    QTRY_COMPARE(pane->candidateCharts().size(), 0);
    QTest::mouseClick(pane->chips()[2], Qt::LeftButton);
    const auto expected = m_masked->fillWords(text.toStdString(), {2}, 8);
    const QString best = QString::fromStdString(expected.at(0).candidates.at(0).text);
    QTRY_COMPARE(pane->candidateCharts().size(), 1);
    QTRY_VERIFY(pane->candidateCharts()[0]->labels().value(0).endsWith(best));
    // Pinned, the word's core is the target and its full stop stays in the text.
    for (QPushButton* b : pane->findChildren<QPushButton*>())
      if (b->text() == "Pin as probe") QTest::mouseClick(b, Qt::LeftButton);
    QCOMPARE(page.probes().size(), size_t(1));
    QCOMPARE(page.probes().at(0).text, std::string("We  eat\tit [MASK]."));
    QCOMPARE(page.probes().at(0).target, std::string("bread"));
    // "Fill all" writes the best candidate over the core and keeps the spacing.
    pane->fillAll();
    QCOMPARE(pane->sentenceEdit()->text(), "We  eat\tit " + best + ".");
  }

  void generationStreamsIntoTheView() {
    PlaygroundPage page;
    page.show();
    page.setPredictor(m_causal, "test model");
    NextWordPane* pane = child<NextWordPane>(&page, "nextWord");
    // The engine's defaults, as `pretrain generate --help` shows them.
    const GenerateOptions defaults;
    QCOMPARE(pane->findChild<QSpinBox*>("maxNewTokens")->value(), defaults.maxNewTokens);
    QCOMPARE(pane->findChild<QSpinBox*>("generateTopK")->value(), defaults.topK);
    QCOMPARE(pane->findChild<QDoubleSpinBox*>("generateTopP")->value(), defaults.topP);
    pane->promptEdit()->setText("I love to eat");
    QSignalSpy finished(child<InferenceService>(&page, "inference"), &InferenceService::generateFinished);
    QTest::mouseClick(pane->generateButton(), Qt::LeftButton);
    QCOMPARE(pane->generateButton()->text(), QString("Stop"));
    QVERIFY(finished.wait(30000));
    QCOMPARE(finished.at(0).at(0).toString(), QString());
    QTRY_VERIFY(pane->generatedView()->toPlainText().size() > QString("I love to eat").size());
    QCOMPARE(pane->generateButton()->text(), QString("Generate"));
  }
};

QTEST_MAIN(TstPlayground)
#include "tst_playground.moc"
