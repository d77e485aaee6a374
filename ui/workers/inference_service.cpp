#include "ui/workers/inference_service.h"

#include <QtCore/QMetaObject>

#include <exception>

#include "data/special_tokens.h"
#include "util/error.h"

namespace pretrain::ui {

InferenceService::InferenceService(QObject* parent) : QObject(parent), m_context(new QObject) {
  m_thread.setObjectName("inference");
  m_context->moveToThread(&m_thread);
  connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
  m_thread.start();
}

InferenceService::~InferenceService() {
  m_stopGenerate = true;
  m_latestNext = m_latestFill = -1;  // Whatever is still queued is skipped.
  m_thread.quit();
  m_thread.wait();
}

template <typename Work>
void InferenceService::post(Work work) {
  QMetaObject::invokeMethod(m_context, std::move(work), Qt::QueuedConnection);
}

void InferenceService::setPredictor(std::shared_ptr<const Predictor> predictor) {
  m_predictor = std::move(predictor);
  Q_EMIT predictorChanged();
}

void InferenceService::requestNext(const QString& prompt, const NextOptions& options,
                                   const QString& probabilityOf) {
  if (!m_predictor) return;
  const int id = ++m_latestNext;
  post([this, id, predictor = m_predictor, prompt, options, probabilityOf] {
    if (id != m_latestNext) return;  // A newer request is queued behind this one.
    NextView view;
    view.prompt = prompt;
    view.probabilityOf = probabilityOf;
    try {
      view.result = predictor->next(prompt.toStdString(), options);
      if (!probabilityOf.trimmed().isEmpty()) {
        view.probability =
            predictor->probabilityOf(prompt.toStdString(), probabilityOf.toStdString(), options.temperature);
        view.hasProbability = true;
      }
    } catch (...) {
      view.error = QString::fromStdString(currentErrorMessage());
    }
    QMetaObject::invokeMethod(
        this, [this, view] { Q_EMIT nextReady(view); }, Qt::QueuedConnection);
  });
}

void InferenceService::requestFill(const QString& text, const QVector<int>& maskedWords, int topK) {
  if (!m_predictor) return;
  const int id = ++m_latestFill;
  post([this, id, predictor = m_predictor, text, maskedWords, topK] {
    if (id != m_latestFill) return;
    FillView view;
    view.text = text;
    try {
      // Clicked words, with any typed [MASK]s among them, are the engine's to mask (fillWords).
      const std::string t = text.toStdString();
      if (!maskedWords.isEmpty())
        view.masks = predictor->fillWords(t, std::vector<int>(maskedWords.begin(), maskedWords.end()), topK);
      else if (text.contains(QLatin1String(kMaskText)))
        view.masks = predictor->fill(t, topK);
    } catch (...) {
      view.error = QString::fromStdString(currentErrorMessage());
    }
    QMetaObject::invokeMethod(
        this, [this, view] { Q_EMIT fillReady(view); }, Qt::QueuedConnection);
  });
}

void InferenceService::startGenerate(const QString& prompt, const GenerateOptions& options) {
  if (!m_predictor) return;
  m_stopGenerate = false;
  post([this, predictor = m_predictor, prompt, options] {
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
