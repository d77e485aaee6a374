#include "ui/playground/timeline_bar.h"

#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QSlider>

#include <algorithm>

namespace pretrain::ui {
namespace {

// Play shows each kept step this long: time to read the chart, and a few seconds for a whole tiny run.
constexpr int kPlayIntervalMs = 600;

}  // namespace

TimelineBar::TimelineBar(QWidget* parent) : QWidget(parent), m_slider(new QSlider(Qt::Horizontal)) {
  m_slider->setPageStep(1);
  m_slider->setTickPosition(QSlider::TicksBelow);
  m_slider->setToolTip(
      tr("The model as it was at each step the run kept (snapshots and checkpoints); the "
         "right end is the latest"));
  m_step = new QLabel;
  m_step->setMinimumWidth(fontMetrics().horizontalAdvance(tr("step 00000000")));
  m_note = new QLabel;
  m_note->setForegroundRole(QPalette::PlaceholderText);
  m_play = new QPushButton(tr("Play"));
  m_play->setToolTip(tr("Walk through training from the first kept step"));
  m_latest = new QPushButton(tr("Latest"));
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(new QLabel(tr("Model at")));
  layout->addWidget(m_slider, 1);
  layout->addWidget(m_step);
  layout->addWidget(m_play);
  layout->addWidget(m_latest);
  layout->addWidget(m_note);
  m_playTimer.setInterval(kPlayIntervalMs);
  connect(&m_playTimer, &QTimer::timeout, this, &TimelineBar::advance);
  connect(m_play, &QPushButton::clicked, this, [this] { isPlaying() ? stopPlaying() : play(); });
  connect(m_latest, &QPushButton::clicked, this, [this] {
    stopPlaying();
    choose(-1);
  });
  connect(m_slider, &QSlider::valueChanged, this, [this](int index) {
    m_step->setText(stepText(index));
    if (!m_slider->isSliderDown()) Q_EMIT stepChosen(chosenStep());  // Keys, clicks, Play: chosen now.
  });
  connect(m_slider, &QSlider::sliderReleased, this, [this] { Q_EMIT stepChosen(chosenStep()); });
  connect(m_slider, &QSlider::sliderPressed, this, &TimelineBar::stopPlaying);
  setSteps({});
}

void TimelineBar::setSteps(const QVector<qint64>& steps) {
  const qint64 chosen = chosenStep();
  m_steps = steps;
  const QSignalBlocker quiet(m_slider);  // The same step stays chosen: nothing to load.
  m_slider->setRange(0, int(m_steps.size()));
  const int index = int(std::find(m_steps.begin(), m_steps.end(), chosen) - m_steps.begin());
  m_slider->setValue(chosen < 0 ? int(m_steps.size()) : index);
  m_step->setText(stepText(m_slider->value()));
  for (QWidget* w : std::initializer_list<QWidget*>{m_slider, m_play, m_latest})
    w->setEnabled(!m_steps.isEmpty());
  const QString none = tr("no steps kept yet: the timeline fills as the run trains");
  if (m_steps.isEmpty())
    m_note->setText(none);
  else if (m_note->text() == none)
    m_note->clear();
}

qint64 TimelineBar::chosenStep() const {
  const int index = m_slider->value();
  return index < m_steps.size() ? m_steps[index] : -1;
}

void TimelineBar::choose(qint64 step) {
  const int index =
      step < 0 ? int(m_steps.size()) : int(std::find(m_steps.begin(), m_steps.end(), step) - m_steps.begin());
  if (index == m_slider->value())
    Q_EMIT stepChosen(chosenStep());  // Chosen again: shown again.
  else
    m_slider->setValue(index);
}

void TimelineBar::setNote(const QString& note) { m_note->setText(note); }

QString TimelineBar::stepText(int index) const {
  return index < m_steps.size() ? tr("step %1").arg(m_steps[index]) : tr("latest");
}

void TimelineBar::play() {
  if (m_steps.isEmpty()) return;
  if (m_slider->value() >= m_steps.size() - 1) m_slider->setValue(0);  // From the start again.
  m_play->setText(tr("Pause"));
  m_playTimer.start();
}

void TimelineBar::stopPlaying() {
  m_playTimer.stop();
  m_play->setText(tr("Play"));
}

void TimelineBar::advance() {
  if (m_slider->value() >= m_steps.size() - 1) {
    stopPlaying();
    return;
  }
  m_slider->setValue(m_slider->value() + 1);
}

}  // namespace pretrain::ui
