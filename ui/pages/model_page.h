#pragma once
// The Model page: objective, preset and shape, with the figures that follow from them (parameters, FLOPs
// per token, memory to train) updated as settings change; impossible settings are flagged at the field.

#include <QtWidgets/QWidget>

#include "model/model_config.h"
#include "train/train_config.h"

class QComboBox;
class QGroupBox;
class QLabel;
class QRadioButton;
class QSpinBox;

namespace pretrain::ui {

class ModelPage : public QWidget {
  Q_OBJECT

 public:
  explicit ModelPage(QWidget* parent = nullptr);

  /// The chosen shape for a tokenizer of `vocabSize` pieces.
  pretrain::ModelConfig config(int vocabSize) const;
  QString preset() const;
  bool isValid() const;
  /// cpu, cuda or auto, as TrainConfig::device takes it.
  QString device() const;
  /// Where the run that has started trains, as the engine chose ("cuda, bf16 autocast").
  void showComputeInUse(const QString& description);
  void setBatchForEstimate(int batch);
  /// Shows `config`'s objective and shape, `preset` ("tiny", or "tiny+custom" for a shape set by hand) and
  /// `device` (settings read from a file).
  void setModel(const pretrain::ModelConfig& config, const QString& preset, const QString& device);

 Q_SIGNALS:
  void changed();

 private:
  QGroupBox* createObjectiveBox();
  QGroupBox* createShapeBox();
  QGroupBox* createDeviceBox();
  void applyPreset();
  void showShape(const pretrain::ModelConfig& config);  // The spin boxes, without leaving the preset.
  void refresh();
  void showFigures();      // Parameters, FLOPs, memory and speed of the shape now set.
  void showEngineError();  // Inside a catch block: the engine's message in place of the figures.
  void estimateSpeed();

  class BackgroundTask* m_speedTask;
  double m_tokensPerSecond = 0;  // For the shape last estimated (0: not yet).
  QString m_estimatedFor;        // That shape, as JSON.
  QString m_estimating;          // The shape the running estimate is for.

  QRadioButton *m_causal, *m_masked;
  QComboBox* m_preset;
  QSpinBox *m_layers, *m_heads, *m_dim, *m_context;
  QLabel *m_headsError, *m_figures;
  QComboBox* m_device;
  QLabel* m_deviceInUse;
  int m_batch = pretrain::TrainConfig().batch;  // The Train page says which.
  bool m_applyingPreset = false;
};

}  // namespace pretrain::ui
