#pragma once
// One side of a comparison: a run folder and which of its models to compare, its latest weights or any
// step it kept (two steps of one run compare training with itself).

#include <QtWidgets/QWidget>

class QComboBox;
class QLabel;
class QPushButton;

namespace pretrain::ui {

class RunChoice : public QWidget {
  Q_OBJECT

 public:
  /// `name`: "A" or "B".
  explicit RunChoice(const QString& name, QWidget* parent = nullptr);

  /// Shows `dir` and its kept steps (latest chosen); false, with the run left as it was, when `dir` is not
  /// a run folder (`error` says why).
  bool setRun(const QString& dir, QString* error = nullptr);
  const QString& run() const { return m_run; }
  /// The step chosen; -1 for the latest weights.
  qint64 step() const;
  QComboBox* stepBox() const { return m_step; }

 Q_SIGNALS:
  void changed();

 private:
  void choose();  // The folder dialog.

  QString m_run;
  QLabel* m_path;
  QPushButton* m_choose;
  QComboBox* m_step;
};

}  // namespace pretrain::ui
