#pragma once
// The Playground's attention maps: for the prompt, one heat map per head of the chosen layer (which earlier
// piece each piece reads from: causal models see only the past, the lower triangle; masked models see
// everything), and below them every layer's heads small, each with its attention entropy (low: a head that
// looks at one place; high: one that spreads out), clicking one choosing its layer. Hovering a cell names
// the two pieces and the weight. Asks only while shown.

#include <QtCore/QTimer>
#include <QtWidgets/QWidget>

#include "ui/workers/inference_service.h"

class QGridLayout;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace pretrain::ui {

class RefreshWhenShown;

class FlowLayout;
class HeatMap;

class AttentionPane : public QWidget {
  Q_OBJECT

 public:
  explicit AttentionPane(InferenceService* service, QWidget* parent = nullptr);

  QLineEdit* promptEdit() const { return m_prompt; }
  QSpinBox* layerBox() const { return m_layer; }
  QLabel* infoLabel() const { return m_info; }
  /// The heads of the chosen layer, and every layer's (row-major), as last drawn.
  QList<HeatMap*> headMaps() const { return m_heads; }
  QList<HeatMap*> overviewMaps() const { return m_thumbnails; }

 public Q_SLOTS:
  void refresh();

 private:
  QWidget* createMaps();
  void showAttention(const AttentionView& view);
  void drawHeads();     // The chosen layer's heads, large.
  void drawOverview();  // Every layer's heads, small.

  InferenceService* m_service;
  QLineEdit* m_prompt;
  QSpinBox* m_layer;
  QLabel *m_info, *m_headsTitle;
  FlowLayout* m_headsLayout;
  QGridLayout* m_overviewLayout;
  QList<HeatMap*> m_heads, m_thumbnails;
  AttentionView m_view;  // The last answer, redrawn when another layer is chosen.
  QTimer m_debounce;
  RefreshWhenShown* m_whenShown;
};

}  // namespace pretrain::ui
