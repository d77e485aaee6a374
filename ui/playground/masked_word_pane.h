#pragma once
// The Playground's masked-word pane: a sentence shown as word chips; clicking a chip masks that word (all
// its pieces), clicking again unmasks it; [MASK] typed in the text works too. Each masked word gets a bar
// chart of its top candidates, and "Fill all" writes the best ones in place, most confident first.

#include <QtCore/QTimer>
#include <QtWidgets/QWidget>

#include <string>
#include <utility>
#include <vector>

#include "infer/probe.h"

class QLabel;
class QLayout;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QToolButton;
class QVBoxLayout;

namespace pretrain::ui {

class BarChart;
class RefreshWhenShown;
class FlowLayout;
class InferenceService;
struct FillView;

class MaskedWordPane : public QWidget {
  Q_OBJECT

 public:
  explicit MaskedWordPane(InferenceService* service, QWidget* parent = nullptr);

  QLineEdit* sentenceEdit() const { return m_sentence; }
  const QList<QToolButton*>& chips() const { return m_chips; }
  const QList<BarChart*>& candidateCharts() const { return m_charts; }
  QLabel* infoLabel() const { return m_info; }
  QPushButton* fillAllButton() const { return m_fillAll; }

 public Q_SLOTS:
  void refresh();
  /// Writes each masked word's best candidate into the sentence.
  void fillAll();

 Q_SIGNALS:
  void pinRequested(const pretrain::Probe& probe);

 private:
  QLayout* createButtonRow();  // Top k, Fill all, Pin as probe.
  QWidget* createChartColumn();
  void wireService();
  void rebuildChips();
  void showFill(const FillView& view);
  QVector<int> maskedWords() const;
  /// Pins the one clicked word as a probe: the sentence with it masked, and the word as the target.
  void pinMaskedWord();

  InferenceService* m_service;
  QLineEdit* m_sentence;
  QSpinBox* m_topK;
  QPushButton *m_fillAll, *m_pin;
  QLabel* m_info;
  FlowLayout* m_chipRow;
  QVBoxLayout* m_chartColumn;
  QList<QToolButton*> m_chips;
  QList<BarChart*> m_charts;
  std::vector<std::pair<int, std::string>> m_best;  // Per masked word: its index and best candidate.
  QTimer m_debounce;
  RefreshWhenShown* m_whenShown;  // A hidden pane fills nothing (the lens or attention tab is open).
};

}  // namespace pretrain::ui
