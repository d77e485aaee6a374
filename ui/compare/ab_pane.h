#pragma once
// The Playground in A/B mode: one prompt read by two models (two runs, or two steps of one): both
// next-word distributions on one chart, the KL divergence between them, and the prompt tinted piece by
// piece by which model was less surprised by it.

#include <QtCore/QTimer>
#include <QtWidgets/QWidget>

#include <memory>

class QLabel;
class QLineEdit;
class QTextBrowser;

namespace pretrain {
class Predictor;
}

namespace pretrain::ui {

class BarChart;
class InferenceService;
struct ComparisonView;

class AbPane : public QWidget {
  Q_OBJECT

 public:
  explicit AbPane(QWidget* parent = nullptr);

  /// The two models (either may be null: nothing to compare yet); asks again.
  void setModels(std::shared_ptr<const pretrain::Predictor> a, std::shared_ptr<const pretrain::Predictor> b);
  /// Says why there is nothing to compare (a model that cannot be read).
  void showMessage(const QString& message);
  QLineEdit* promptEdit() const { return m_prompt; }
  BarChart* chart() const { return m_chart; }
  QLabel* infoLabel() const { return m_info; }
  QTextBrowser* piecesView() const { return m_pieces; }

 public Q_SLOTS:
  void refresh();

 private:
  void showComparison(const ComparisonView& view);

  InferenceService* m_service;  // Its model is A.
  std::shared_ptr<const pretrain::Predictor> m_b;
  QLineEdit* m_prompt;
  QLabel* m_info;
  QTextBrowser* m_pieces;
  BarChart* m_chart;
  QTimer m_debounce;
};

}  // namespace pretrain::ui
