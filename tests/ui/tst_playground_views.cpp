// The Playground's views inside the model, driven offscreen as a person would: the logit lens grid and
// the attention maps show what the engine computes for the prompt typed (both model kinds), and the
// timeline shows every view with the model of the step chosen, the Train page's plots marking it.
#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QTabWidget>

#include <qcustomplot.h>

#include "infer/predictor.h"
#include "run/open_run.h"
#include "run/run_folder.h"
#include "test_training.h"
#include "test_widgets.h"
#include "ui/playground/attention_pane.h"
#include "ui/playground/candidate_text.h"
#include "ui/playground/lens_pane.h"
#include "ui/playground/next_word_pane.h"
#include "ui/playground/playground_page.h"
#include "ui/playground/timeline_bar.h"
#include "ui/plots/heat_map.h"
#include "ui/plots/probe_layer_plot.h"
#include "ui/workers/inference_service.h"

using namespace pretrain;
using namespace pretrain::ui;
using testdata::child;

namespace {

const QString kPrompt = "We like to eat";

std::vector<double> nextProbabilities(const Predictor& p) {
  std::vector<double> out;
  for (const TokenCandidate& c : p.next(kPrompt.toStdString(), 20).candidates) out.push_back(c.prob);
  return out;
}

}  // namespace

class TstPlaygroundViews : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  testdata::TokenizedCorpus m_data;
  std::shared_ptr<const Predictor> m_causal, m_masked;
  std::string m_run;  // A run that kept snapshots.

 private Q_SLOTS:
  void initTestCase() {
    m_data = testdata::tokenizedCorpus(m_dir.path(), testdata::missionCorpus());
    m_causal = testdata::briefModel(m_data, Objective::Causal);
    m_masked = testdata::briefModel(m_data, Objective::Masked);
    testdata::writeFile(m_dir.filePath("corpus.txt"), testdata::textCorpus(30, 10));
    TrainingRunOptions o = testdata::smallRunOptions(QDir(m_dir.path()), "run");
    o.train.snapshotEvery = 10;
    runTraining(o, {});
    m_run = o.runDir;
  }

  void objectives_data() {
    QTest::addColumn<bool>("masked");
    QTest::newRow("causal") << false;
    QTest::newRow("masked") << true;
  }

  void theLensShowsEveryLayerAtEveryPiece_data() { objectives_data(); }
  void theLensShowsEveryLayerAtEveryPiece() {
    QFETCH(bool, masked);
    const auto& predictor = masked ? m_masked : m_causal;
    PlaygroundPage page;
    page.show();
    page.setPredictor(predictor, "test model");
    child<QTabWidget>(&page, "playgroundTabs")->setCurrentWidget(child<QTabWidget>(&page, "playgroundTabs")->widget(1));
    LensPane* lens = child<LensPane>(&page, "lens");
    child<NextWordPane>(&page, "nextWord")->promptEdit()->setText(kPrompt);  // The tabs share the prompt...
    QCOMPARE(lens->promptEdit()->text(), kPrompt);
    lens->wordEdit()->setText("bread");  // ... and the word asked for.
    QCOMPARE(child<NextWordPane>(&page, "nextWord")->probabilityOfEdit()->text(), QString("bread"));
    const LensResult expected = predictor->lens(kPrompt.toStdString(), 5, "bread");
    HeatMap* grid = lens->grid();
    QTRY_COMPARE(grid->rows(), int(expected.layers.size()));
    QCOMPARE(grid->columns(), int(expected.ids.size()));
    for (int l = 0; l < grid->rows(); ++l)
      for (int t = 0; t < grid->columns(); ++t) {
        const TokenCandidate& top = expected.layers[size_t(l)][size_t(t)][0];
        QCOMPARE(grid->cell(l, t).text, candidateLabel(top));
        QVERIFY(std::abs(grid->cell(l, t).value - top.prob) < 1e-12);
      }
    const QString tip = grid->cell(grid->rows() - 1, grid->columns() - 1).toolTip;
    const QString word = expected.wordPieces.size() > 1
                             ? QString("“bread” (its first piece, “%1”)")
                                   .arg(QString::fromStdString(expected.wordFirstPiece).trimmed())
                             : QString("“bread”");
    QVERIFY2(tip.contains(word + QString(": rank %1,").arg(expected.word.back().back().rank)),
             qPrintable(tip));
    QVERIFY(grid->isVisible() && grid->width() >= grid->columns() * 20);  // Sized to its cells.
  }

  void attentionShowsEachHeadAndLayer_data() { objectives_data(); }
  void attentionShowsEachHeadAndLayer() {
    QFETCH(bool, masked);
    const auto& predictor = masked ? m_masked : m_causal;
    PlaygroundPage page;
    page.show();
    page.setPredictor(predictor, "test model");
    child<NextWordPane>(&page, "nextWord")->promptEdit()->setText(kPrompt);
    child<QTabWidget>(&page, "playgroundTabs")->setCurrentWidget(child<AttentionPane>(&page, "attention"));
    AttentionPane* pane = child<AttentionPane>(&page, "attention");
    const ModelConfig& c = predictor->config();
    QTRY_COMPARE(pane->overviewMaps().size(), c.layers * c.heads);
    QCOMPARE(pane->headMaps().size(), c.heads);
    const AttentionResult expected = predictor->attention(kPrompt.toStdString());
    bool future = false;  // Some weight on a later piece.
    for (HeatMap* head : pane->headMaps()) {
      QCOMPARE(head->rows(), int(expected.ids.size()));
      for (int q = 0; q < head->rows(); ++q) {
        double sum = 0;
        for (int k = 0; k < head->columns(); ++k) {
          sum += head->cell(q, k).value;
          future |= k > q && head->cell(q, k).value > 1e-6;
        }
        QVERIFY2(std::abs(sum - 1) < 1e-4, qPrintable(QString::number(sum)));
      }
    }
    QCOMPARE(future, masked);  // A causal model never reads ahead.
    const auto& h0 = expected.layers[0][0];
    QVERIFY(std::abs(pane->headMaps()[0]->cell(1, 0).value - double(h0[1][0])) < 1e-6);
    QVERIFY(pane->headMaps()[0]->cell(1, 0).toolTip.contains("weight"));
    // Clicking a head of the second layer shows that layer's heads.
    QTest::mouseClick(pane->overviewMaps()[c.heads], Qt::LeftButton);
    QCOMPARE(pane->layerBox()->value(), 2);
    QTRY_VERIFY(std::abs(pane->headMaps()[0]->cell(1, 0).value - double(expected.layers[1][0][1][0])) < 1e-6);
    QVERIFY(pane->overviewMaps()[c.heads]->property("layer").toInt() == 2);
    QCOMPARE(attentionEntropyBits({{1.f, 0.f}, {0.5f, 0.5f}}), 0.5);  // 0 and 1 bit, averaged.
  }

  void theTimelineShowsTheModelOfEachKeptStep() {
    PlaygroundPage page;
    page.show();
    child<NextWordPane>(&page, "nextWord")->promptEdit()->setText(kPrompt);
    QSignalSpy shown(&page, &PlaygroundPage::stepShown);
    QSignalSpy fills(child<InferenceService>(&page, "inference"), &InferenceService::fillReady);
    page.setRun(QString::fromStdString(m_run));
    const std::shared_ptr<const Predictor> latest(openRunPredictor(m_run));
    page.setPredictor(latest, "latest");
    TimelineBar* timeline = child<TimelineBar>(&page, "timeline");
    // Its snapshots (every 10 steps after the log-spaced ones) and its last two checkpoints (15, 20).
    QCOMPARE(timeline->steps(), (QVector<qint64>{0, 1, 2, 4, 8, 10, 15, 16, 20}));
    QCOMPARE(timeline->chosenStep(), qint64(-1));
    QTRY_VERIFY(child<InferenceService>(&page, "inference")->isIdle());

    // On the lens tab, a step shows its model there and in the next-word pane; the hidden masked pane
    // fills nothing.
    child<QTabWidget>(&page, "playgroundTabs")->setCurrentWidget(child<QTabWidget>(&page, "playgroundTabs")->widget(1));
    QTRY_VERIFY(child<LensPane>(&page, "lens")->grid()->rows() > 0);
    fills.clear();
    timeline->choose(4);
    QTRY_VERIFY(child<InferenceService>(&page, "inference")->predictor() != latest);
    QTRY_VERIFY(page.lastSwitchMs() >= 0);
    QCOMPARE(shown.last().at(0).toLongLong(), qint64(4));
    QCOMPARE(nextProbabilities(*child<InferenceService>(&page, "inference")->predictor()), nextProbabilities(*openRunPredictor(m_run, 4)));
    const LensResult at4 = openRunPredictor(m_run, 4)->lens(kPrompt.toStdString(), 5);
    QTRY_COMPARE(child<LensPane>(&page, "lens")->grid()->cell(0, 0).text, candidateLabel(at4.layers[0][0][0]));
    QCOMPARE(fills.count(), 0);

    // Latest again: the weights from training.
    timeline->choose(-1);
    QCOMPARE(child<InferenceService>(&page, "inference")->predictor(), latest);
    QCOMPARE(shown.last().at(0).toLongLong(), qint64(-1));

    // Play walks through every kept step to the last.
    QSignalSpy chosen(timeline, &TimelineBar::stepChosen);
    timeline->choose(0);
    timeline->play();
    QVERIFY(timeline->isPlaying());
    QTRY_VERIFY_WITH_TIMEOUT(!timeline->isPlaying(), 20000);
    QCOMPARE(timeline->chosenStep(), qint64(20));
    QCOMPARE(chosen.count(), timeline->steps().size());  // 0, then each of the others once.
  }

  void probesAreTracedThroughTheTimeline() {
    PlaygroundPage page;
    page.show();
    page.setRun(QString::fromStdString(m_run));
    page.setPredictor(std::shared_ptr<const Predictor>(openRunPredictor(m_run)), "latest");
    page.setProbes({{"the", "the"}, {"the [MASK] of", "end"}});
    child<QTabWidget>(&page, "playgroundTabs")->setCurrentWidget(child<QTabWidget>(&page, "playgroundTabs")->widget(1));
    QCustomPlot* plot = child<ProbeLayerPlot>(&page, "probeLayers")->plot();
    // Cancelled at once: nothing drawn, and the button traces again.
    QTest::mouseClick(child<QPushButton>(&page, "traceProbes"), Qt::LeftButton);
    QCOMPARE(child<QPushButton>(&page, "traceProbes")->text(), QString("Cancel tracing"));
    QTest::mouseClick(child<QPushButton>(&page, "traceProbes"), Qt::LeftButton);
    QVERIFY(child<ProbeLayerPlot>(&page, "probeLayers")->readout()->text().contains("cancelled"));
    QTest::qWait(500);
    QCOMPARE(plot->graphCount(), 0);
    QVERIFY(child<QPushButton>(&page, "traceProbes")->text().startsWith("Trace"));
    QTest::mouseClick(child<QPushButton>(&page, "traceProbes"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(plot->graphCount(), 2, 20000);
    // The next-word probe has a point at every kept step; the causal run's masked probe has none.
    QCOMPARE(plot->graph(0)->data()->size(), 9);
    QCOMPARE(plot->graph(1)->data()->size(), 0);
    const std::vector<int> at20 = probeTopLayers(*openRunPredictor(m_run, 20), {{"the", "the"}});
    const int none = int(openRunPredictor(m_run)->config().layers) + 1;
    const double shownLayer = (plot->graph(0)->data()->end() - 1)->value;
    QCOMPARE(int(std::lround(shownLayer)), at20[0] == 0 ? none : at20[0]);
  }
};

QTEST_MAIN(TstPlaygroundViews)
#include "tst_playground_views.moc"
