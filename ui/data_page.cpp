#include "ui/data_page.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QMimeData>
#include <QtGui/QDragEnterEvent>
#include <QtGui/QDropEvent>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QFormLayout>
#include <QtWidgets/QGroupBox>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QListWidget>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QVBoxLayout>

#include "util/error.h"

namespace pretrain::ui {
namespace {

constexpr int kPreviewLines = 40;

// The first lines of the corpus, read through the engine's own reader so the preview shows what training
// will see (and a bad file fails here, with the engine's message).
QString previewOf(const CorpusSpec& spec, uint64_t* bytes, size_t* files) {
  const auto list = listCorpusFiles(spec);
  *files = list.size();
  *bytes = 0;
  for (const auto& f : list) *bytes += f.bytes;
  CorpusReader reader(list, spec.encoding);
  QStringList lines;
  CorpusEvent ev;
  while (lines.size() < kPreviewLines && reader.next(ev))
    lines << (ev.kind == CorpusEvent::Kind::Line ? QString::fromStdString(ev.text) : QStringLiteral(""));
  return lines.join('\n');
}

}  // namespace

QString DataPage::sampleCorpusPath() {
  // Next to the build (build/release/bin/../../../data/brown) or the working folder.
  for (const QString& base : {QCoreApplication::applicationDirPath() + "/../../..", QDir::currentPath()}) {
    const QString p = QDir::cleanPath(base + "/data/brown");
    if (QFileInfo(p + "/.complete").exists()) return p;
  }
  return {};
}

DataPage::DataPage(QWidget* parent) : QWidget(parent) {
  setAcceptDrops(true);
  auto* corpusBox = new QGroupBox(tr("Corpus"));
  m_list = new QListWidget;
  m_list->setMaximumHeight(90);
  m_summary = new QLabel(tr("No corpus yet: open .txt or .jsonl files or a folder, or drop them here."));
  m_summary->setWordWrap(true);
  auto* openFilesButton = new QPushButton(tr("Open files…"));
  auto* openFolderButton = new QPushButton(tr("Open folder…"));
  m_sample = new QPushButton(tr("Use the sample corpus"));
  m_sample->setToolTip(tr("The Brown Corpus: 1.16M words of edited American English in 500 samples"));
  m_sample->setEnabled(!sampleCorpusPath().isEmpty());
  connect(openFilesButton, &QPushButton::clicked, this, &DataPage::openFiles);
  connect(openFolderButton, &QPushButton::clicked, this, &DataPage::openFolder);
  connect(m_sample, &QPushButton::clicked, this, [this] { setCorpus({sampleCorpusPath()}); });
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(openFilesButton);
  buttons->addWidget(openFolderButton);
  buttons->addWidget(m_sample);
  buttons->addStretch();
  auto* corpusLayout = new QVBoxLayout(corpusBox);
  corpusLayout->addLayout(buttons);
  corpusLayout->addWidget(m_list);
  corpusLayout->addWidget(m_summary);

  auto* previewBox = new QGroupBox(tr("Preview (first lines; blank lines end documents)"));
  m_preview = new QPlainTextEdit;
  m_preview->setReadOnly(true);
  m_preview->setLineWrapMode(QPlainTextEdit::NoWrap);
  (new QVBoxLayout(previewBox))->addWidget(m_preview);

  auto* tokBox = new QGroupBox(tr("Tokenizer (SentencePiece, trained when the run starts)"));
  m_type = new QComboBox;
  m_type->addItem(tr("BPE"), "bpe");
  m_type->addItem(tr("Unigram"), "unigram");
  m_vocab = new QSpinBox;
  m_vocab->setRange(kMinVocabSize + 64, 262144);
  m_vocab->setSingleStep(1000);
  m_vocab->setValue(8000);
  m_vocab->setObjectName("vocab");
  m_vocab->setToolTip(tr("Pieces in the vocabulary, including 256 byte pieces and 5 special tokens"));
  auto* form = new QFormLayout(tokBox);
  form->addRow(tr("Type"), m_type);
  form->addRow(tr("Vocabulary size"), m_vocab);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(corpusBox);
  layout->addWidget(previewBox, 1);
  layout->addWidget(tokBox);
}

bool DataPage::setCorpus(const QStringList& inputs) {
  CorpusSpec spec;
  for (const QString& i : inputs) spec.inputs.push_back(i.toStdString());
  uint64_t bytes = 0;
  size_t files = 0;
  QString preview;
  try {
    preview = previewOf(spec, &bytes, &files);
  } catch (const pretrain::Error& e) {
    QMessageBox::warning(this, tr("Cannot use this corpus"),
                         tr("%1\n\nThe previous corpus stays loaded.").arg(QString::fromStdString(e.what())));
    return false;
  }
  m_inputs = inputs;
  m_list->clear();
  m_list->addItems(inputs);
  m_preview->setPlainText(preview);
  m_summary->setText(tr("%n file(s), %1 MB", "", int(files)).arg(double(bytes) / 1e6, 0, 'f', 1));
  Q_EMIT corpusChanged();
  return true;
}

void DataPage::openFiles() {
  const QStringList files = QFileDialog::getOpenFileNames(this, tr("Open corpus"), QString(),
                                                          tr("Text corpora (*.txt *.jsonl);;All files (*)"));
  if (!files.isEmpty()) setCorpus(files);
}

void DataPage::openFolder() {
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a folder of .txt / .jsonl files"));
  if (!dir.isEmpty()) setCorpus({dir});
}

void DataPage::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void DataPage::dropEvent(QDropEvent* event) {
  QStringList paths;
  for (const QUrl& url : event->mimeData()->urls())
    if (url.isLocalFile()) paths << url.toLocalFile();
  if (!paths.isEmpty()) setCorpus(paths);
}

CorpusSpec DataPage::corpus() const {
  CorpusSpec spec;
  for (const QString& i : m_inputs) spec.inputs.push_back(i.toStdString());
  return spec;
}

TokenizeOptions DataPage::tokenizeOptions() const {
  TokenizeOptions o;
  o.tokenizer.type = parseTokenizerType(m_type->currentData().toString().toStdString());
  o.tokenizer.vocabSize = m_vocab->value();
  return o;
}

bool DataPage::hasCorpus() const { return !m_inputs.isEmpty(); }

}  // namespace pretrain::ui
