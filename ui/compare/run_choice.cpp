#include "ui/compare/run_choice.h"

#include <QtCore/QDir>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QPushButton>

#include "run/run_folder.h"
#include "util/error.h"

namespace pretrain::ui {

RunChoice::RunChoice(const QString& name, QWidget* parent) : QWidget(parent) {
  m_path = new QLabel(tr("no run chosen"));
  m_path->setForegroundRole(QPalette::PlaceholderText);
  m_path->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_path->setMinimumWidth(fontMetrics().averageCharWidth() * 20);
  m_choose = new QPushButton(tr("Choose run…"));
  m_step = new QComboBox;
  m_step->setToolTip(tr("The run's latest weights, or any step it kept"));
  m_step->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  m_step->setEnabled(false);  // Until a run is chosen.
  auto* title = new QLabel(QStringLiteral("<b>%1</b>").arg(name));
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(title);
  layout->addWidget(m_path, 1);
  layout->addWidget(m_choose);
  layout->addWidget(new QLabel(tr("at")));
  layout->addWidget(m_step);
  connect(m_choose, &QPushButton::clicked, this, &RunChoice::choose);
  connect(m_step, &QComboBox::currentIndexChanged, this, &RunChoice::changed);
}

bool RunChoice::setRun(const QString& dir, QString* error) {
  std::vector<int64_t> steps;
  try {
    const RunFolder run(dir.toStdString());
    run.readConfig();  // A run folder, not any folder.
    steps = run.timelineSteps();
  } catch (...) {
    if (error) *error = QString::fromStdString(currentErrorMessage());
    return false;
  }
  m_run = dir;
  m_path->setText(QDir::toNativeSeparators(dir));
  m_path->setToolTip(m_path->text());
  m_path->setForegroundRole(QPalette::WindowText);
  {
    const QSignalBlocker quiet(m_step);  // One change for the new run, not one per step listed.
    m_step->clear();
    m_step->addItem(tr("latest"), qint64(-1));
    for (auto it = steps.rbegin(); it != steps.rend(); ++it)
      m_step->addItem(tr("step %1").arg(*it), qint64(*it));
    m_step->setEnabled(true);
  }
  Q_EMIT changed();
  return true;
}

qint64 RunChoice::step() const { return m_step->count() ? m_step->currentData().toLongLong() : -1; }

void RunChoice::choose() {
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Choose a run folder"), m_run);
  if (dir.isEmpty()) return;
  QString error;
  if (!setRun(dir, &error)) QMessageBox::warning(this, tr("Compare runs"), error);
}

}  // namespace pretrain::ui
