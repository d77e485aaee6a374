#pragma once
// The Data page: which corpus to train on (files, folders, the sample corpus; a dialog or drag and drop),
// a preview of it, and the tokenizer settings. A file that cannot be read is reported in a dialog and the
// previous corpus stays loaded.

#include <QtWidgets/QWidget>

#include <string>

#include "data/corpus.h"
#include "tokenizer/tokenize_corpus.h"

class QComboBox;
class QGroupBox;
class QLabel;
class QLayout;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace pretrain {
struct TokenStoreManifest;
}

namespace pretrain::ui {

class BackgroundTask;
class BarChart;

class DataPage : public QWidget {
  Q_OBJECT

 public:
  explicit DataPage(QWidget* parent = nullptr);

  /// The corpus's files and folders, as chosen.
  const QStringList& inputs() const { return m_inputs; }
  pretrain::CorpusSpec corpus() const;
  pretrain::TokenizeOptions tokenizeOptions() const;
  void setVocabSize(int pieces);
  bool hasCorpus() const;
  /// Replaces the corpus (its paths made absolute); returns false (showing why in a dialog, keeping the old
  /// one) when it cannot be read.
  bool setCorpus(const QStringList& inputs);
  /// The corpus of an earlier session: as setCorpus, but one that cannot be read any more (moved, deleted,
  /// named relative to another folder) is a note on the page, not a dialog before the window is up.
  void restoreCorpus(const QStringList& inputs);
  /// The folder where "Train tokenizer" put the tokenizer and token store for the current corpus and
  /// settings, or "" when they have not been prepared (a run then prepares them itself).
  QString preparedData() const;
  BackgroundTask* task() const { return m_task; }

 public Q_SLOTS:
  void openFiles();
  void openFolder();
  void trainTokenizer();
  /// Loads the sample corpus, offering to fetch it first when it is not on this computer.
  void useSampleCorpus();

 Q_SIGNALS:
  void corpusChanged();
  void prepared();  ///< The tokenizer and token store are ready (statistics shown).

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  QGroupBox* createCorpusBox();
  QGroupBox* createPreviewBox();
  QGroupBox* createTokenizerBox();
  QLayout* createPrepareRow();  // Train tokenizer, Cancel, progress.
  void wireTask();
  /// Ends a preparation (succeeded, cancelled or failed) with `message` on the bar at `progress`.
  void finishTask(const QString& message, int progress);
  QString preparedDirFor() const;  // Where the current corpus and settings are prepared.
  void showPrepared();
  void showStatistics(const pretrain::TokenStoreManifest& manifest);
  void showSamplePieces(const std::string& preparedDir);
  void showTopTokens(const pretrain::TokenStoreManifest& manifest);
  void invalidatePrepared();
  /// setCorpus() without the dialog: false, with `why`, when the corpus cannot be read.
  bool loadCorpus(const QStringList& inputs, QString& why);

  QStringList m_inputs;
  BackgroundTask* m_task;
  QString m_prepared;
  QPushButton *m_trainTokenizer, *m_cancel;
  QProgressBar* m_progress;
  QLabel *m_stats, *m_pieces;
  BarChart* m_chart;
  QListWidget* m_list;
  QLabel* m_summary;
  QPlainTextEdit* m_preview;
  QPushButton* m_sample;
  QComboBox* m_type;
  QSpinBox* m_vocab;
};

}  // namespace pretrain::ui
