// MainWindow's fine-tuning: a new run from the shown run's weights, and its twin from random weights.
#include <QtWidgets/QTabWidget>

#include "run/scratch_twin.h"
#include "train/train_config.h"
#include "ui/compare/compare_page.h"
#include "ui/pages/data_page.h"
#include "ui/pages/train_page.h"
#include "ui/window/main_window.h"
#include "ui/window/run_evaluation.h"
#include "ui/workers/training_controller.h"
#include "util/error.h"

namespace pretrain::ui {

bool MainWindow::prepareFineTune(const QString& parent, const QStringList& corpus) {
  if (m_controller->isRunning() || !m_data->setCorpus(corpus)) return false;  // setCorpus says why.
  m_run.toContinue.clear();                                                          // Start makes a new run...
  m_run.fineTuneFrom = parent;                                                    // ... from this one's weights.
  m_train->setFreezeAllowed(true);
  TrainConfig t = m_train->config();
  t.lr = kFineTuneLr;
  t.warmup = kFineTuneWarmup;
  m_train->setConfig(t);
  m_train->showStatus(
      tr("Fine-tuning %1 on %2: Start begins a new run from its latest weights, with its tokenizer "
         "and model, at the fine-tuning learning rate %3 and warm-up %4 (change them here).")
          .arg(parent, corpus.join(", "))
          .arg(kFineTuneLr)
          .arg(kFineTuneWarmup));
  m_tabs->setCurrentWidget(m_train);
  return true;
}

bool MainWindow::trainScratchTwin() {
  if (m_controller->isRunning() || m_evaluation->isRunning()) return false;
  try {
    const TrainingRunOptions o = scratchTwinOptions(m_run.shown.toStdString(), newRunFolder().toStdString());
    m_run.toContinue.clear();
    m_run.fineTuneFrom.clear();
    m_train->setFreezeAllowed(false);
    m_run.twinOf = m_run.shown;
    m_train->setConfig(o.train);
    beginNewRun(o, tr("Training the twin of %1 from random weights in %2: the same corpus, tokenizer, model, "
                      "%3 steps and seed, at the pre-training learning rate %4. When it ends, the Compare "
                      "page races the two to a loss.")
                       .arg(m_run.twinOf, QString::fromStdString(o.runDir))
                       .arg(o.train.steps)
                       .arg(o.train.lr));
    return true;
  } catch (...) {
    showError(QString::fromStdString(currentErrorMessage()));
    return false;
  }
}

}  // namespace pretrain::ui
