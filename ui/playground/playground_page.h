#pragma once
// The Playground: explore what the model has learnt, during training and after. Next words as you type
// and masked words you click, on a copy of the weights that training refreshes every few seconds; facts
// pinned here become probes that every evaluation measures (plotted on the Train page).

#include <QtWidgets/QWidget>

#include <memory>
#include <vector>

#include "infer/probe.h"

class QGroupBox;
class QLabel;
class QListWidget;
class QPushButton;
class QStackedWidget;

namespace pretrain {
class Predictor;
}

namespace pretrain::ui {

class InferenceService;
class MaskedWordPane;
class NextWordPane;

class PlaygroundPage : public QWidget {
  Q_OBJECT

 public:
  explicit PlaygroundPage(QWidget* parent = nullptr);

  InferenceService* service() const { return m_service; }
  NextWordPane* nextWordPane() const { return m_next; }
  MaskedWordPane* maskedWordPane() const { return m_masked; }
  bool hasModel() const;
  const std::vector<pretrain::Probe>& probes() const { return m_probes; }

 public Q_SLOTS:
  /// The model to explore; `where` says what it is ("run … at step …").
  void setPredictor(const std::shared_ptr<const pretrain::Predictor>& predictor, const QString& where);
  void setProbes(const std::vector<pretrain::Probe>& probes);
  void addProbe(const pretrain::Probe& probe);

 Q_SIGNALS:
  void probesChanged(const std::vector<pretrain::Probe>& probes);

 private:
  QWidget* createPanes();  // Next word | masked words over probes.
  QGroupBox* createProbesBox();
  void removeSelectedProbe();
  void showProbes();

  InferenceService* m_service;
  QStackedWidget* m_stack;
  QLabel* m_model;
  NextWordPane* m_next;
  MaskedWordPane* m_masked;
  QListWidget* m_probeList;
  QPushButton* m_removeProbe;
  std::vector<pretrain::Probe> m_probes;
};

}  // namespace pretrain::ui
