#pragma once
// The Playground's next-word pane: a prompt, its pieces tinted by how expected each was, the top next
// pieces (or whole words) as a bar chart updated as the person types, the entropy, the probability and
// rank of any word, and generation streamed piece by piece.

#include <QtCore/QTimer>
#include <QtWidgets/QWidget>

#include <vector>

#include "infer/probe.h"

class QCheckBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLayout;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTextBrowser;

namespace pretrain {
struct GeneratedPiece;
struct PromptPiece;
}  // namespace pretrain

namespace pretrain::ui {

class BarChart;
class InferenceService;
struct NextView;

class NextWordPane : public QWidget {
  Q_OBJECT

 public:
  explicit NextWordPane(InferenceService* service, QWidget* parent = nullptr);

  QLineEdit* promptEdit() const { return m_prompt; }
  QLineEdit* probabilityOfEdit() const { return m_probabilityOf; }
  QCheckBox* wordsBox() const { return m_words; }
  BarChart* chart() const { return m_chart; }
  QLabel* infoLabel() const { return m_info; }
  QTextBrowser* piecesView() const { return m_pieces; }
  QTextBrowser* generatedView() const { return m_output; }
  QPushButton* generateButton() const { return m_generate; }

 public Q_SLOTS:
  /// Asks for the prediction now (typing asks ~100 ms after the last key).
  void refresh();

 Q_SIGNALS:
  void pinRequested(const pretrain::Probe& probe);

 private:
  QLayout* createSettingsRow();     // Top k, temperature, whole words.
  QLayout* createProbabilityRow();  // Probability of any word, and Pin as probe.
  QGroupBox* createGenerateBox();
  void wireService();
  void pinWord();
  void showNext(const NextView& view);
  /// The prompt's pieces, tinted by how expected each was; true when one is unknown to the tokenizer.
  bool showPromptPieces(const std::vector<pretrain::PromptPiece>& pieces);
  void generateOrStop();
  void showGenerated(const pretrain::GeneratedPiece& piece);

  InferenceService* m_service;
  QLineEdit *m_prompt, *m_probabilityOf;
  QSpinBox *m_topK, *m_maxTokens, *m_genTopK, *m_seed;
  QDoubleSpinBox *m_temperature, *m_topP;
  QCheckBox* m_words;
  QPushButton *m_pin, *m_generate;
  QTextBrowser *m_pieces, *m_output;
  QLabel* m_info;
  BarChart* m_chart;
  QTimer m_debounce;
  bool m_generating = false;
  QString m_best;  // The most probable next word now (pinned when no word is typed).
};

}  // namespace pretrain::ui
