#include "ui/playground/attention_pane.h"

#include <QtWidgets/QGridLayout>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QScrollArea>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "ui/playground/flow_layout.h"
#include "ui/playground/refresh_when_shown.h"
#include "ui/plots/heat_map.h"

namespace pretrain::ui {
namespace {

constexpr double kHeadMapSide = 240;           // Pixels a long prompt's head map may take.
constexpr double kMinCell = 5, kMaxCell = 18;  // Four heads of a short prompt side by side.
constexpr double kThumbnailSide = 64;

void clearLayout(QLayout* layout) {
  while (QLayoutItem* item = layout->takeAt(0)) {
    delete item->widget();
    delete item;
  }
}

QWidget* captioned(HeatMap* map, const QString& caption) {
  auto* box = new QWidget;
  auto* layout = new QVBoxLayout(box);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  auto* label = new QLabel(caption);
  label->setAlignment(Qt::AlignCenter);
  layout->addWidget(label);
  layout->addWidget(map, 0, Qt::AlignCenter);
  return box;
}

}  // namespace

AttentionPane::AttentionPane(InferenceService* service, QWidget* parent)
    : QWidget(parent), m_service(service) {
  m_prompt = new QLineEdit;
  m_prompt->setPlaceholderText(tr("Type a prompt, e.g. The jury said"));
  m_layer = new QSpinBox;
  m_layer->setRange(1, 1);
  m_info = new QLabel;
  m_info->setWordWrap(true);
  auto* row = new QHBoxLayout;
  row->addWidget(new QLabel(tr("Prompt")));
  row->addWidget(m_prompt, 1);
  row->addWidget(new QLabel(tr("Layer")));
  row->addWidget(m_layer);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(row);
  layout->addWidget(m_info);
  layout->addWidget(createMaps(), 1);
  m_whenShown = new RefreshWhenShown(this, [this] { refresh(); });
  m_debounce.setSingleShot(true);
  m_debounce.setInterval(kTypingPauseMs);
  connect(&m_debounce, &QTimer::timeout, this, &AttentionPane::refresh);
  connect(m_prompt, &QLineEdit::textChanged, this, [this] { m_debounce.start(); });
  connect(m_layer, &QSpinBox::valueChanged, this, [this] {
    drawHeads();
    for (HeatMap* map : m_thumbnails) map->setSelected(map->property("layer").toInt() == m_layer->value());
  });
  connect(m_service, &InferenceService::predictorChanged, this, &AttentionPane::refresh);
  connect(m_service, &InferenceService::attentionReady, this, &AttentionPane::showAttention);
}

QWidget* AttentionPane::createMaps() {
  auto* content = new QWidget;
  auto* layout = new QVBoxLayout(content);
  m_headsTitle = new QLabel;
  auto* heads = new QWidget;
  m_headsLayout = new FlowLayout(heads, 12);
  auto* overviewTitle = new QLabel(tr(
      "<b>Every layer's heads</b> (the number: attention entropy in bits, low for a head that looks at one "
      "place; click one to show its layer above)"));
  overviewTitle->setWordWrap(true);
  auto* overview = new QWidget;
  m_overviewLayout = new QGridLayout(overview);
  m_overviewLayout->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  layout->addWidget(m_headsTitle);
  layout->addWidget(heads);
  layout->addWidget(overviewTitle);
  layout->addWidget(overview);
  layout->addStretch();
  auto* scroll = new QScrollArea;
  scroll->setWidget(content);
  scroll->setWidgetResizable(true);
  return scroll;
}

void AttentionPane::refresh() {
  m_debounce.stop();
  if (!m_whenShown->askNow() || !m_service->predictor()) return;
  if (m_prompt->text().trimmed().isEmpty()) {
    AttentionView none;  // Clears the maps.
    none.prompt = m_prompt->text();
    showAttention(none);
    m_info->setText(tr("Type a prompt to see where each head looks."));
    return;
  }
  m_service->requestAttention(m_prompt->text());
}

void AttentionPane::showAttention(const AttentionView& view) {
  if (view.prompt != m_prompt->text()) return;  // A newer one follows.
  m_view = view;
  const int layers = int(view.result.layers.size());
  m_layer->setRange(1, std::max(1, layers));
  drawHeads();
  drawOverview();
  if (!view.error.isEmpty()) {
    m_info->setText(view.error);
    return;
  }
  QStringList info{
      tr("Each row is a piece reading; each column, a piece it reads from (darker: more weight; "
         "a row sums to 1). Hover a cell for the pair and the weight.")};
  if (view.result.truncated)
    info << tr("Only the last %1 pieces are shown: maps of longer texts are unreadable and slow to draw.")
                .arg(view.result.ids.size());
  m_info->setText(info.join(' '));
}

void AttentionPane::drawHeads() {
  clearLayout(m_headsLayout);
  m_heads.clear();
  const int l = m_layer->value() - 1;
  const auto& layers = m_view.result.layers;
  if (l < 0 || l >= int(layers.size())) {
    m_headsTitle->clear();
    return;
  }
  m_headsTitle->setText(tr("<b>Layer %1</b>, head by head").arg(l + 1));
  const int n = int(m_view.pieces.size());
  const double cell = std::clamp(kHeadMapSide / std::max(1, n), kMinCell, kMaxCell);
  for (size_t h = 0; h < layers[size_t(l)].size(); ++h) {
    const auto& head = layers[size_t(l)][h];
    QVector<QVector<HeatMap::Cell>> cells;
    for (int q = 0; q < int(head.size()); ++q) {
      QVector<HeatMap::Cell> row;
      for (int k = 0; k < int(head[size_t(q)].size()); ++k) {
        const float w = head[size_t(q)][size_t(k)];
        row << HeatMap::Cell{w,
                             {},
                             tr("layer %1, head %2: “%3” reads “%4” with weight %5")
                                 .arg(l + 1)
                                 .arg(h + 1)
                                 .arg(m_view.pieces.value(q), m_view.pieces.value(k))
                                 .arg(double(w), 0, 'f', 3)};
      }
      cells << row;
    }
    auto* map = new HeatMap;
    map->setCellSize(cell, cell);
    map->setMatrix(m_view.pieces, m_view.pieces, cells);
    m_heads << map;
    m_headsLayout->addWidget(captioned(
        map, tr("head %1 · entropy %2 bits").arg(h + 1).arg(attentionEntropyBits(head), 0, 'f', 2)));
  }
}

void AttentionPane::drawOverview() {
  clearLayout(m_overviewLayout);
  m_thumbnails.clear();
  const auto& layers = m_view.result.layers;
  const double cell = kThumbnailSide / std::max<qsizetype>(1, m_view.pieces.size());
  for (size_t l = 0; l < layers.size(); ++l) {
    m_overviewLayout->addWidget(new QLabel(tr("layer %1").arg(l + 1)), int(l), 0);
    for (size_t h = 0; h < layers[l].size(); ++h) {
      QVector<QVector<HeatMap::Cell>> cells;
      for (const std::vector<float>& r : layers[l][h]) {
        QVector<HeatMap::Cell> row;
        for (const float w : r) row << HeatMap::Cell{w, {}, {}};
        cells << row;
      }
      auto* map = new HeatMap;
      map->setCellSize(cell, cell);
      map->setMatrix({}, {}, cells);
      map->setProperty("layer", int(l) + 1);
      map->setSelected(int(l) == m_layer->value() - 1);
      map->setToolTip(tr("layer %1, head %2: click to show this layer").arg(l + 1).arg(h + 1));
      connect(map, &HeatMap::clicked, this, [this, l] { m_layer->setValue(int(l) + 1); });
      m_thumbnails << map;
      m_overviewLayout->addWidget(
          captioned(map, tr("H%1 · %2").arg(h + 1).arg(attentionEntropyBits(layers[l][h]), 0, 'f', 1)),
          int(l), int(h) + 1);
    }
  }
}

}  // namespace pretrain::ui
