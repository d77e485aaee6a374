#pragma once
// The Data page: which corpus to train on (files, folders, the sample corpus; a dialog or drag and drop),
// a preview of it, and the tokenizer settings. A file that cannot be read is reported in a dialog and the
// previous corpus stays loaded.

#include <QtWidgets/QWidget>

#include "data/corpus.h"
#include "data/tokenize_corpus.h"

class QComboBox;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace pretrain::ui {

class DataPage : public QWidget {
  Q_OBJECT

 public:
  explicit DataPage(QWidget* parent = nullptr);

  pretrain::CorpusSpec corpus() const;
  pretrain::TokenizeOptions tokenizeOptions() const;
  bool hasCorpus() const;
  /// Replaces the corpus; returns false (showing why, keeping the old one) when it cannot be read.
  bool setCorpus(const QStringList& inputs);
  static QString sampleCorpusPath();  ///< The Brown Corpus that setup fetched, or "" when absent.

 public Q_SLOTS:
  void openFiles();
  void openFolder();

 Q_SIGNALS:
  void corpusChanged();

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  QStringList m_inputs;
  QListWidget* m_list;
  QLabel* m_summary;
  QPlainTextEdit* m_preview;
  QPushButton* m_sample;
  QComboBox* m_type;
  QSpinBox* m_vocab;
};

}  // namespace pretrain::ui
