#pragma once
// The Playground's logit lens: for the prompt, a grid of layers by positions whose cells show what the
// model would predict there if it stopped at that layer (the residual stream read through its own output
// layer), shaded by the probability; hovering a cell shows the five likeliest pieces and the rank of the
// word typed in "Probability of". Asks only while shown: a hidden grid costs no forward passes.

#include <QtCore/QTimer>
#include <QtWidgets/QWidget>

class QLabel;
class QLineEdit;

namespace pretrain::ui {

class RefreshWhenShown;

class HeatMap;
class InferenceService;
struct LensView;

class LensPane : public QWidget {
  Q_OBJECT

 public:
  explicit LensPane(InferenceService* service, QWidget* parent = nullptr);

  QLineEdit* promptEdit() const { return m_prompt; }
  QLineEdit* wordEdit() const { return m_word; }
  HeatMap* grid() const { return m_grid; }
  QLabel* infoLabel() const { return m_info; }

 public Q_SLOTS:
  void refresh();

 private:
  void showLens(const LensView& view);

  InferenceService* m_service;
  QLineEdit *m_prompt, *m_word;
  QLabel* m_info;
  HeatMap* m_grid;
  QTimer m_debounce;
  RefreshWhenShown* m_whenShown;
};

}  // namespace pretrain::ui
