#include "ui/compare/compare_page.h"

#include <QtWidgets/QGroupBox>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QSplitter>
#include <QtWidgets/QVBoxLayout>

#include <optional>

#include "run/run_folder.h"
#include "ui/compare/ab_pane.h"
#include "ui/compare/compare_curves.h"
#include "ui/compare/run_choice.h"
#include "ui/compare/settings_table.h"
#include "ui/playground/refresh_when_shown.h"
#include "ui/workers/timeline_loader.h"
#include "util/error.h"

namespace pretrain::ui {
namespace {

// The curves get a little more width than the settings; the A/B Playground more height than both.
constexpr int kCurvesShare = 3, kSettingsShare = 2, kCurvesRowShare = 2, kAbShare = 3;

}  // namespace

ComparePage::ComparePage(QWidget* parent)
    : QWidget(parent), m_curves(new CompareCurves), m_settings(new SettingsTable), m_ab(new AbPane) {
  for (int side = 0; side < 2; ++side) {
    m_loaders[side] = new TimelineLoader(this);
    connect(m_loaders[side], &TimelineLoader::loaded, this,
            [this, side](qint64 step, const std::shared_ptr<const Predictor>& model, double) {
              if (step != m_choices[side]->step()) return;  // Another step was chosen meanwhile.
              m_models[side] = model;
              m_ab->setModels(m_models[0], m_models[1]);
            });
    connect(m_loaders[side], &TimelineLoader::failed, this, [this, side](qint64, const QString& message) {
      m_ab->showMessage(tr("Model %1 cannot be read: %2").arg(side == 0 ? "A" : "B", message));
    });
  }
  auto* top = new QSplitter(Qt::Horizontal);
  top->addWidget(m_curves);
  top->addWidget(m_settings);
  top->setStretchFactor(0, kCurvesShare);
  top->setStretchFactor(1, kSettingsShare);
  top->setChildrenCollapsible(false);
  auto* abBox = new QGroupBox(tr("A/B Playground"));
  (new QVBoxLayout(abBox))->addWidget(m_ab);
  auto* split = new QSplitter(Qt::Vertical);
  split->addWidget(top);
  split->addWidget(abBox);
  split->setStretchFactor(0, kCurvesRowShare);
  split->setStretchFactor(1, kAbShare);
  split->setChildrenCollapsible(false);
  m_whenShown = new RefreshWhenShown(this, [this] { loadModels(); });
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(createChoices());
  layout->addWidget(split, 1);
}

QWidget* ComparePage::createChoices() {
  m_choices[0] = new RunChoice("A");
  m_choices[1] = new RunChoice("B");
  auto* sameRun = new QPushButton(tr("Same run as A"));
  sameRun->setToolTip(tr("Compare two steps of one run: B reads A's run; choose its step"));
  auto* box = new QWidget;
  auto* layout = new QHBoxLayout(box);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_choices[0], 1);
  layout->addSpacing(12);
  layout->addWidget(m_choices[1], 1);
  layout->addWidget(sameRun);
  for (int side = 0; side < 2; ++side)
    connect(m_choices[side], &RunChoice::changed, this, [this, side] { choiceChanged(side); });
  connect(sameRun, &QPushButton::clicked, this, [this] {
    if (!m_choices[0]->run().isEmpty()) m_choices[1]->setRun(m_choices[0]->run());
  });
  return box;
}

void ComparePage::offerRun(const QString& dir) {
  if (m_choices[0]->run().isEmpty()) m_choices[0]->setRun(dir);
}

void ComparePage::compareRuns(const QString& a, const QString& b) {
  m_choices[0]->setRun(a);
  m_choices[1]->setRun(b);
}

void ComparePage::choiceChanged(int side) {
  RunChoice* choice = m_choices[side];
  m_curves->setRuns(m_choices[0]->run(), m_choices[0]->step(), m_choices[1]->run(), m_choices[1]->step());
  std::optional<RunConfig> configs[2];
  for (int s = 0; s < 2; ++s) try {
      if (!m_choices[s]->run().isEmpty())
        configs[s] = RunFolder(m_choices[s]->run().toStdString()).readConfig();
    } catch (const Error&) {
      // Removed or damaged since it was chosen: its column stays empty (loading its model says why).
    }
  m_settings->setRuns(configs[0] ? &*configs[0] : nullptr, configs[1] ? &*configs[1] : nullptr);
  m_models[side].reset();
  m_ab->setModels(m_models[0], m_models[1]);
  m_loaders[side]->setRun(choice->run());
  m_modelsWanted[side] = true;
  loadModels();
}

void ComparePage::loadModels() {
  if (!m_whenShown->askNow()) return;  // Hidden (a run was only offered): loaded when the page is shown.
  for (int side = 0; side < 2; ++side) {
    if (!m_modelsWanted[side] || m_choices[side]->run().isEmpty()) continue;
    m_modelsWanted[side] = false;
    m_loaders[side]->request(m_choices[side]->step());
  }
}

}  // namespace pretrain::ui
