#include "ui/workers/inference_service.h"

#include <QtCore/QMetaObject>

#include <exception>
#include <optional>

#include "data/special_tokens.h"
#include "tokenizer/tokenizer.h"
#include "util/error.h"

namespace pretrain::ui {
namespace {

QStringList pieceLabels(const Predictor& predictor, const std::vector<int32_t>& ids) {
  QStringList labels;
  for (const int32_t id : ids) labels << QString::fromStdString(predictor.tokenizer().piece(id));
  return labels;
}

}  // namespace

InferenceService::InferenceService(QObject* parent) : QObject(parent) {}

InferenceService::~InferenceService() {
  m_stopGenerate = true;
  // Whatever is still queued is skipped.
  m_latestNext = m_latestFill = m_latestLens = m_latestAttention = m_latestComparison = -1;
}

void InferenceService::setPredictor(std::shared_ptr<const Predictor> predictor) {
  m_predictor = std::move(predictor);
  Q_EMIT predictorChanged();
}

template <typename View, typename Compute, typename Deliver>
void InferenceService::ask(std::atomic<int>& latest, Compute compute, Deliver deliver) {
  if (!m_predictor) return;
  const int id = ++latest;
  ++m_inFlight;
  m_thread.post([this, &latest, id, predictor = m_predictor, compute, deliver] {
    std::optional<View> view;
    if (id == latest) {  // Else a newer request of this kind is queued behind this one: only it is answered.
      view.emplace();
      try {
        compute(*predictor, *view);
      } catch (...) {
        view->error = QString::fromStdString(currentErrorMessage());
      }
    }
    QMetaObject::invokeMethod(
        this,
        [this, view, deliver] {
          if (view) deliver(*view);
          if (--m_inFlight == 0) Q_EMIT idle();
        },
        Qt::QueuedConnection);
  });
}

void InferenceService::requestNext(const QString& prompt, const NextOptions& options,
                                   const QString& probabilityOf) {
  ask<NextView>(
      m_latestNext,
      [prompt, options, probabilityOf](const Predictor& predictor, NextView& view) {
        view.prompt = prompt;
        view.probabilityOf = probabilityOf;
        view.result = predictor.next(prompt.toStdString(), options);
        if (probabilityOf.trimmed().isEmpty()) return;
        view.probability =
            predictor.probabilityOf(prompt.toStdString(), probabilityOf.toStdString(), options.temperature);
        view.hasProbability = true;
      },
      [this](const NextView& view) { Q_EMIT nextReady(view); });
}

void InferenceService::requestFill(const QString& text, const QVector<int>& maskedWords, int topK) {
  ask<FillView>(
      m_latestFill,
      [text, maskedWords, topK](const Predictor& predictor, FillView& view) {
        view.text = text;
        // Clicked words, with any typed [MASK]s among them, are the engine's to mask (fillWords).
        const std::string t = text.toStdString();
        if (!maskedWords.isEmpty())
          view.masks = predictor.fillWords(t, std::vector<int>(maskedWords.begin(), maskedWords.end()), topK);
        else if (text.contains(QLatin1String(kMaskText)))
          view.masks = predictor.fill(t, topK);
      },
      [this](const FillView& view) { Q_EMIT fillReady(view); });
}

void InferenceService::requestLens(const QString& prompt, const QString& word, int topK) {
  ask<LensView>(
      m_latestLens,
      [prompt, word, topK](const Predictor& predictor, LensView& view) {
        view.prompt = prompt;
        view.word = word;
        view.result = predictor.lens(prompt.toStdString(), topK, word.trimmed().toStdString());
        view.pieces = pieceLabels(predictor, view.result.ids);
      },
      [this](const LensView& view) { Q_EMIT lensReady(view); });
}

void InferenceService::requestAttention(const QString& prompt) {
  ask<AttentionView>(
      m_latestAttention,
      [prompt](const Predictor& predictor, AttentionView& view) {
        view.prompt = prompt;
        view.result = predictor.attention(prompt.toStdString());
        view.pieces = pieceLabels(predictor, view.result.ids);
      },
      [this](const AttentionView& view) { Q_EMIT attentionReady(view); });
}

void InferenceService::requestComparison(std::shared_ptr<const Predictor> b, const QString& prompt,
                                         int topK) {
  if (!b) return;
  ask<ComparisonView>(
      m_latestComparison,
      [b, prompt, topK](const Predictor& a, ComparisonView& view) {
        view.prompt = prompt;
        view.result = compareNext(a, *b, prompt.toStdString(), topK);
      },
      [this](const ComparisonView& view) { Q_EMIT comparisonReady(view); });
}

void InferenceService::startGenerate(const QString& prompt, const GenerateOptions& options) {
  if (!m_predictor) return;
  m_stopGenerate = false;
  m_thread.post([this, predictor = m_predictor, prompt, options] {
    QString error;
    try {
      predictor->generate(prompt.toStdString(), options, [this](const GeneratedPiece& piece) {
        QMetaObject::invokeMethod(
            this, [this, piece] { Q_EMIT generated(piece); }, Qt::QueuedConnection);
        return !m_stopGenerate.load();
      });
    } catch (...) {
      error = QString::fromStdString(currentErrorMessage());
    }
    QMetaObject::invokeMethod(
        this, [this, error] { Q_EMIT generateFinished(error); }, Qt::QueuedConnection);
  });
}

}  // namespace pretrain::ui
