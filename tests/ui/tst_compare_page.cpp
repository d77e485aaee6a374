// The Compare page driven offscreen: two real runs that differ in one setting show it first, both
// curves, and in A/B mode a run against itself differs by nothing (KL 0) while two steps of one run
// differ; a folder that is not a run is refused and the choice kept.
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QTextBrowser>

#include <qcustomplot.h>

#include "run/loss_race.h"
#include "run/run_folder.h"
#include "test_training.h"
#include "test_widgets.h"
#include "train/trainer.h"
#include "ui/compare/ab_pane.h"
#include "ui/compare/compare_curves.h"
#include "ui/compare/compare_page.h"
#include "ui/compare/run_choice.h"
#include "ui/compare/settings_table.h"
#include "ui/plots/bar_chart.h"
#include "ui/workers/inference_service.h"

using namespace pretrain;
using namespace pretrain::ui;
using testdata::child;

class TstComparePage : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  QString m_a, m_b;

 private Q_SLOTS:
  void initTestCase() {
    testdata::writeFile(m_dir.filePath("corpus.txt"), testdata::textCorpus(30, 10));
    TrainingRunOptions a = testdata::smallRunOptions(QDir(m_dir.path()), "a");
    runTraining(a, {});
    TrainingRunOptions b = testdata::smallRunOptions(QDir(m_dir.path()), "b");
    b.train.lr = 1e-2;
    runTraining(b, {});
    m_a = QString::fromStdString(a.runDir);
    m_b = QString::fromStdString(b.runDir);
  }

  void twoRunsShowTheirDifferencesAndCurves() {
    ComparePage page;
    page.show();
    page.offerRun(m_a);
    QCOMPARE(page.choice(0)->run(), m_a);
    QVERIFY(page.choice(1)->setRun(m_b));
    // The learning rate only: each run trained its own tokenizer, on the same corpus with the same settings,
    // so the same file (tokenizer_hash).
    const QStringList differences = page.settings()->differences();
    QCOMPARE(differences, (QStringList{"train.lr"}));
    for (int row = 0; row < page.settings()->rowCount(); ++row) {  // Differences first, in bold.
      QCOMPARE(page.settings()->item(row, 1)->font().bold(), row < differences.size());
      QCOMPARE(page.settings()->item(row, 0)->text() == "train.lr", row == 0);
    }
    QCOMPARE(page.curves()->pointCount(0), 2);  // Evaluated at steps 10 and 20.
    QCOMPARE(page.curves()->pointCount(1), 2);
    const LossRace race = raceToLoss(m_a.toStdString(), m_b.toStdString());
    QVERIFY2(page.curves()->note()->text().contains(QString("at its step %1").arg(race.targetStep)),
             qPrintable(page.curves()->note()->text()));
    std::vector<StepMetrics> steps;
    std::vector<EvalMetrics> evals;
    RunFolder(m_a.toStdString()).readMetrics(steps, evals);
    page.curves()->setMetric(CompareCurves::Metric::BitsPerByte);
    QCOMPARE(page.curves()->plot()->graph(0)->data()->at(1)->value, evals[1].bitsPerByte);
    QCOMPARE(page.curves()->plot()->graph(0)->data()->at(1)->key, double(steps[19].tokensSeen));
    // Their models, side by side: separate tokenizer files with the same pieces compare piece by piece.
    page.abPane()->promptEdit()->setText("the first");
    QTRY_VERIFY(!page.abPane()->chart()->values().isEmpty());
    QVERIFY(page.abPane()->infoLabel()->text().contains("KL(A ‖ B)"));
    // Not a run: refused, the choice kept.
    QString error;
    QVERIFY(!page.choice(1)->setRun(m_dir.path(), &error));
    QVERIFY(error.contains("not a run folder"));
    QCOMPARE(page.choice(1)->run(), m_b);
  }

  void aRunAgainstItselfDiffersByNothing() {
    ComparePage page;
    page.offerRun(m_a);
    QVERIFY(page.choice(1)->setRun(m_a));
    AbPane* ab = page.abPane();
    QTest::qWait(200);
    QVERIFY(!child<InferenceService>(ab, "inference")->predictor());  // A hidden page loads no model (the window offers every run)...
    page.show();                           // ... until it is shown.
    ab->promptEdit()->setText("the first");
    QTRY_VERIFY(!ab->chart()->values().isEmpty());
    QVERIFY(ab->infoLabel()->text().contains("0.000 bits"));
    QCOMPARE(ab->chart()->values(), ab->chart()->secondValues());
    // Two steps of one run: B at its first kept step, untrained.
    QComboBox* step = page.choice(1)->stepBox();
    step->setCurrentIndex(step->findData(qint64(0)));
    QTRY_VERIFY(ab->chart()->values() != ab->chart()->secondValues());
    QVERIFY(!ab->infoLabel()->text().contains("0.000 bits"));
    QVERIFY(!ab->piecesView()->toPlainText().isEmpty());
  }
};

QTEST_MAIN(TstComparePage)
#include "tst_compare_page.moc"
