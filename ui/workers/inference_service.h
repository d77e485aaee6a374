#pragma once
// The Playground's engine calls, on a thread of their own so typing never waits on a model. Requests are
// posted to that thread; when requests of one kind pile up (typing fast), only the newest is computed.
// Results come back as signals on the GUI thread. Each request uses the predictor current when it was
// made; a snapshot from training replaces it for the next request.

#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QVector>

#include <atomic>
#include <memory>
#include <vector>

#include "infer/comparison.h"
#include "infer/predictor.h"
#include "ui/workers/worker_thread.h"

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

/// The views inside the model for a prompt (Predictor::lens, Predictor::attention).
struct LensView {
  QString prompt, word;
  pretrain::LensResult result;
  QStringList pieces;  ///< Of result.ids, as the tokenizer writes them.
  QString error;
};

struct AttentionView {
  QString prompt;
  pretrain::AttentionResult result;
  QStringList pieces;
  QString error;
};

/// Two models on a prompt (pretrain::compareNext): this service's model is A.
struct ComparisonView {
  QString prompt;
  pretrain::NextComparison result;
  QString error;
};

class InferenceService : public QObject {
  Q_OBJECT

 public:
  explicit InferenceService(QObject* parent = nullptr);
  ~InferenceService() override;  ///< Stops a generation and waits for the thread.

  void setPredictor(std::shared_ptr<const pretrain::Predictor> predictor);
  std::shared_ptr<const pretrain::Predictor> predictor() const { return m_predictor; }
  bool isIdle() const { return m_inFlight == 0; }

  void requestNext(const QString& prompt, const pretrain::NextOptions& options, const QString& probabilityOf);
  /// `maskedWords`: indices of the words to mask (as pretrain::splitWords counts them); the text may also
  /// hold typed [MASK]s.
  void requestFill(const QString& text, const QVector<int>& maskedWords, int topK);
  /// The logit lens with the `topK` likeliest pieces per cell, and `word`'s rank in each (when given).
  void requestLens(const QString& prompt, const QString& word, int topK);
  void requestAttention(const QString& prompt);
  /// This service's model (A) against `b` on `prompt`.
  void requestComparison(std::shared_ptr<const pretrain::Predictor> b, const QString& prompt, int topK);
  void startGenerate(const QString& prompt, const pretrain::GenerateOptions& options);
  void stopGenerate() { m_stopGenerate = true; }

 Q_SIGNALS:
  void predictorChanged();
  /// Every request made so far is answered (or dropped for a newer one of its kind): the views show the
  /// current model. Generation is not counted.
  void idle();
  void nextReady(const pretrain::ui::NextView& view);
  void fillReady(const pretrain::ui::FillView& view);
  void lensReady(const pretrain::ui::LensView& view);
  void attentionReady(const pretrain::ui::AttentionView& view);
  void comparisonReady(const pretrain::ui::ComparisonView& view);
  void generated(const pretrain::GeneratedPiece& piece);
  void generateFinished(const QString& error);

 private:
  /// Computes a View on the inference thread with the current predictor, unless a newer request of its
  /// kind (counted by `latest`) is queued by then, and hands it to `deliver` on this thread.
  template <typename View, typename Compute, typename Deliver>
  void ask(std::atomic<int>& latest, Compute compute, Deliver deliver);

  std::shared_ptr<const pretrain::Predictor> m_predictor;
  int m_inFlight = 0;  // Requests not yet answered (this thread only).
  std::atomic<int> m_latestNext{0}, m_latestFill{0}, m_latestLens{0}, m_latestAttention{0},
      m_latestComparison{0};
  std::atomic<bool> m_stopGenerate{false};
  WorkerThread m_thread{"inference"};  // Last: stopped before what its work reads is destroyed.
};

}  // namespace pretrain::ui
