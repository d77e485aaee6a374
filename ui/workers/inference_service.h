#pragma once
// The Playground's engine calls, on a thread of their own so typing never waits on a model. Requests are
// posted to that thread; when requests of one kind pile up (typing fast), only the newest is computed.
// Results come back as signals on the GUI thread. Each request uses the predictor current when it was
// made; a snapshot from training replaces it for the next request.

#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QThread>
#include <QtCore/QVector>

#include <atomic>
#include <memory>
#include <vector>

#include "infer/predictor.h"

namespace pretrain::ui {

/// How long the Playground waits after a keystroke before it asks: the keys of a word come faster than
/// this, so typing asks once per pause rather than once per key, and 0.1 s still feels immediate.
inline constexpr int kTypingPauseMs = 100;

struct NextView {
  QString prompt, probabilityOf;  ///< What was asked.
  pretrain::NextTokenResult result;
  bool hasProbability = false;  ///< A "probability of" word was asked for.
  pretrain::WordProbability probability;
  QString error;  ///< The engine's message for input it cannot read (the rest is then empty).
};

struct FillView {
  QString text;
  std::vector<pretrain::MaskPrediction> masks;
  QString error;
};

class InferenceService : public QObject {
  Q_OBJECT

 public:
  explicit InferenceService(QObject* parent = nullptr);
  ~InferenceService() override;  ///< Stops a generation and waits for the thread.

  void setPredictor(std::shared_ptr<const pretrain::Predictor> predictor);
  std::shared_ptr<const pretrain::Predictor> predictor() const { return m_predictor; }

  void requestNext(const QString& prompt, const pretrain::NextOptions& options, const QString& probabilityOf);
  /// `maskedWords`: indices of the words to mask (as pretrain::splitWords counts them); the text may also
  /// hold typed [MASK]s.
  void requestFill(const QString& text, const QVector<int>& maskedWords, int topK);
  void startGenerate(const QString& prompt, const pretrain::GenerateOptions& options);
  void stopGenerate() { m_stopGenerate = true; }

 Q_SIGNALS:
  void predictorChanged();
  void nextReady(const pretrain::ui::NextView& view);
  void fillReady(const pretrain::ui::FillView& view);
  void generated(const pretrain::GeneratedPiece& piece);
  void generateFinished(const QString& error);

 private:
  /// Runs `work` on the inference thread.
  template <typename Work>
  void post(Work work);

  std::shared_ptr<const pretrain::Predictor> m_predictor;
  QThread m_thread;
  QObject* m_context;  // Lives on m_thread: what posted work runs in.
  std::atomic<int> m_latestNext{0}, m_latestFill{0};
  std::atomic<bool> m_stopGenerate{false};
};

}  // namespace pretrain::ui
