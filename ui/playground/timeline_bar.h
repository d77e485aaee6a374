#pragma once
// The Playground's timeline: a slider over the steps whose weights the run keeps (its snapshots and
// checkpoints) and "latest" at the right end, with Play to walk through training. The step is chosen when
// the slider is let go (or moved by the keyboard, or by Play), not while it is dragged: each choice loads a
// model.

#include <QtCore/QTimer>
#include <QtCore/QVector>
#include <QtWidgets/QWidget>

class QLabel;
class QPushButton;
class QSlider;

namespace pretrain::ui {

class TimelineBar : public QWidget {
  Q_OBJECT

 public:
  explicit TimelineBar(QWidget* parent = nullptr);

  /// The steps to choose from, oldest first; the step chosen stays chosen when it is still among them.
  void setSteps(const QVector<qint64>& steps);
  const QVector<qint64>& steps() const { return m_steps; }
  /// The step chosen; -1 for the latest weights.
  qint64 chosenStep() const;
  /// Chooses `step` (-1, or a step not kept: latest) as a person would, emitting stepChosen().
  void choose(qint64 step);
  /// What the Playground says of the chosen step once it is shown (how long it took).
  void setNote(const QString& note);

  QSlider* slider() const { return m_slider; }
  QPushButton* playButton() const { return m_play; }
  bool isPlaying() const { return m_playTimer.isActive(); }

 public Q_SLOTS:
  void play();
  void stopPlaying();

 Q_SIGNALS:
  void stepChosen(qint64 step);

 private:
  QString stepText(int index) const;
  void advance();  // One step of Play.

  QVector<qint64> m_steps;
  QSlider* m_slider;
  QLabel *m_step, *m_note;
  QPushButton *m_play, *m_latest;
  QTimer m_playTimer;
};

}  // namespace pretrain::ui
