// MainWindow handing its settings over: the `pretrain train` command and its --config file.
#include <QtGui/QClipboard>
#include <QtGui/QGuiApplication>
#include <QtWidgets/QStatusBar>

#include <ctime>

#include "run/run_names.h"
#include "run/train_flags.h"
#include "settings/train_options.h"
#include "ui/pages/data_page.h"
#include "ui/pages/model_page.h"
#include "ui/pages/train_page.h"
#include "ui/playground/playground_page.h"
#include "ui/window/main_window.h"
#include "ui/workers/training_controller.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace pretrain::ui {
TrainingRunOptions MainWindow::newRunOptions() const {
  TrainingRunOptions o;
  o.initFrom = m_run.fineTuneFrom.toStdString();  // Its model and tokenizer then come from that run.
  o.corpus = m_data->corpus();
  o.tokenize = m_data->tokenizeOptions();
  o.preparedData = m_data->preparedData().toStdString();
  o.model = m_model->config(o.tokenize.tokenizer.vocabSize);
  o.preset = m_model->preset().toStdString();
  if (!hasPresetShape(o.model, o.preset)) o.preset += "+custom";  // As `pretrain train` records it.
  o.train = m_train->config();
  o.train.device = m_model->device().toStdString();
  o.probes = m_playground->probes();
  return o;
}

QString MainWindow::copyCommand(int processes) {
  const TrainingRunOptions o = newRunOptions();
  // Where Start would put it; the folder is made only when the command runs.
  const std::string out = newRunDir(runsFolder().toStdString(), std::time(nullptr));
  const std::vector<TrainFlag> flags = trainFlags(runConfigOf(o), o.probes);
  const QString command = QString::fromStdString(processes > 1 ? torchrunCommandLineOf(flags, out, processes)
                                                               : commandLineOf(flags, out));
  QGuiApplication::clipboard()->setText(command);
  statusBar()->showMessage(tr("Copied: %1").arg(command), kStatusMessageMs);
  return command;
}

bool MainWindow::openSettings(const QString& path) {
  if (m_controller->isRunning()) return false;
  TrainingRunOptions o;
  try {
    // The command line's own reading of it, so a file means in the studio what it means to `pretrain train`.
    ArgParser p("", "");
    addTrainOptions(p);
    p.parse({"--config", path.toStdString()});
    o = trainOptionsFrom(p);
    if (o.corpus.inputs.empty()) throw InputError(path.toStdString() + " names no corpus");
  } catch (...) {
    showError(
        tr("Cannot use the settings in %1: %2").arg(path, QString::fromStdString(currentErrorMessage())));
    return false;
  }
  QStringList corpus;
  for (const std::string& input : o.corpus.inputs) corpus << QString::fromStdString(input);
  const bool fineTune = !o.initFrom.empty();
  if (!(fineTune ? prepareFineTune(QString::fromStdString(o.initFrom), corpus) : m_data->setCorpus(corpus)))
    return false;  // Said why; the pages keep what they had.
  m_data->setVocabSize(o.tokenize.tokenizer.vocabSize);
  if (!fineTune)
    m_model->setModel(o.model, QString::fromStdString(o.preset), QString::fromStdString(o.train.device));
  m_train->setConfig(o.train);
  if (!o.probes.empty()) m_playground->setProbes(o.probes);
  m_run.toContinue.clear();  // Start makes the run these settings describe.
  statusBar()->showMessage(tr("Settings read from %1").arg(path), kStatusMessageMs);
  return true;
}

bool MainWindow::saveSettings(const QString& path) {
  const TrainingRunOptions o = newRunOptions();
  try {
    writeFileAtomic(path.toStdString(), tomlOf(trainFlags(runConfigOf(o), o.probes)));
  } catch (...) {
    showError(tr("Cannot save the settings: %1").arg(QString::fromStdString(currentErrorMessage())));
    return false;
  }
  statusBar()->showMessage(tr("Saved the settings in %1 (pretrain train --config %1)").arg(path),
                           kStatusMessageMs);
  return true;
}

}  // namespace pretrain::ui
