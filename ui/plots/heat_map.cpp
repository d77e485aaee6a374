#include "ui/plots/heat_map.h"

#include <QtGui/QHelpEvent>
#include <QtGui/QMouseEvent>
#include <QtGui/QPainter>
#include <QtWidgets/QToolTip>

#include <algorithm>

namespace pretrain::ui {
namespace {

constexpr int kLabelGap = 4;             // Between a label and the cells.
constexpr int kMaxLabelChars = 16;       // Longer labels are elided (a piece is rarely longer).
constexpr double kUprightBelow = 40;     // Columns narrower than this get upright labels.
constexpr double kTextDarkAbove = 0.55;  // Shades past this are dark enough for the highlight's text colour.

QColor blend(const QColor& from, const QColor& to, double t) {
  t = std::clamp(t, 0.0, 1.0);
  return QColor::fromRgbF(float(from.redF() + (to.redF() - from.redF()) * t),
                          float(from.greenF() + (to.greenF() - from.greenF()) * t),
                          float(from.blueF() + (to.blueF() - from.blueF()) * t));
}

QString shortLabel(const QString& s) {
  return s.size() > kMaxLabelChars ? s.left(kMaxLabelChars - 1) + QChar(0x2026) : s;
}

}  // namespace

HeatMap::HeatMap(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
}

void HeatMap::setMatrix(const QStringList& rowLabels, const QStringList& columnLabels,
                        const QVector<QVector<Cell>>& cells) {
  m_rowLabels = rowLabels;
  m_columnLabels = columnLabels;
  m_cells = cells;
  const QFontMetrics fm = fontMetrics();
  m_rowLabelWidth = 0;
  for (const QString& l : m_rowLabels)
    m_rowLabelWidth = std::max(m_rowLabelWidth, fm.horizontalAdvance(shortLabel(l)));
  int longest = 0;
  for (const QString& l : m_columnLabels) longest = std::max(longest, fm.horizontalAdvance(shortLabel(l)));
  m_columnLabelHeight = m_columnLabels.isEmpty() ? 0 : (uprightColumnLabels() ? longest : fm.height());
  if (m_rowLabelWidth > 0) m_rowLabelWidth += 2 * kLabelGap;  // A gap on either side.
  if (m_columnLabelHeight > 0) m_columnLabelHeight += kLabelGap;
  resize(sizeHint());  // Its size is its content's (in a scroll area nothing else sizes it).
  updateGeometry();
  update();
}

void HeatMap::setCellSize(double width, double height) {
  m_cellWidth = width;
  m_cellHeight = height;
  setMatrix(m_rowLabels, m_columnLabels, m_cells);  // Label room depends on the columns' width.
}

void HeatMap::setSelected(bool selected) {
  m_selected = selected;
  update();
}

bool HeatMap::uprightColumnLabels() const { return m_cellWidth < kUprightBelow; }

QRectF HeatMap::cellRect(int row, int column) const {
  return {m_rowLabelWidth + column * m_cellWidth, m_columnLabelHeight + row * m_cellHeight, m_cellWidth,
          m_cellHeight};
}

bool HeatMap::cellAt(const QPoint& pos, int& row, int& column) const {
  if (pos.x() < m_rowLabelWidth || pos.y() < m_columnLabelHeight) return false;
  column = int((pos.x() - m_rowLabelWidth) / m_cellWidth);
  row = int((pos.y() - m_columnLabelHeight) / m_cellHeight);
  return row < rows() && column < columns();
}

QSize HeatMap::sizeHint() const {
  return {m_rowLabelWidth + int(std::ceil(columns() * m_cellWidth)) + 2,
          m_columnLabelHeight + int(std::ceil(rows() * m_cellHeight)) + 2};
}

void HeatMap::paintEvent(QPaintEvent*) {
  QPainter p(this);
  const QPalette& pal = palette();
  const QColor low = pal.color(QPalette::Base), high = pal.color(QPalette::Highlight);
  const QFontMetrics fm = fontMetrics();
  const bool cellText = m_cellHeight >= fm.height() && m_cellWidth >= 2 * fm.averageCharWidth();
  for (int r = 0; r < rows(); ++r)
    for (int c = 0; c < columns(); ++c) {
      const Cell& cell = m_cells[r][c];
      const QRectF rect = cellRect(r, c);
      p.fillRect(rect, blend(low, high, cell.value));
      if (!cellText || cell.text.isEmpty()) continue;
      p.setPen(pal.color(cell.value > kTextDarkAbove ? QPalette::HighlightedText : QPalette::Text));
      p.drawText(rect.adjusted(2, 0, -2, 0), Qt::AlignCenter,
                 fm.elidedText(cell.text, Qt::ElideRight, int(rect.width()) - 4));
    }
  p.setPen(pal.color(QPalette::Text));
  for (int r = 0; r < m_rowLabels.size() && r < rows(); ++r)
    p.drawText(QRectF(kLabelGap, cellRect(r, 0).top(), m_rowLabelWidth - 2 * kLabelGap, m_cellHeight),
               Qt::AlignRight | Qt::AlignVCenter, shortLabel(m_rowLabels[r]));
  for (int c = 0; c < m_columnLabels.size() && c < columns(); ++c) {
    const QRectF cellArea = cellRect(0, c);
    if (!uprightColumnLabels()) {
      p.drawText(QRectF(cellArea.left(), 0, m_cellWidth, m_columnLabelHeight - kLabelGap),
                 Qt::AlignHCenter | Qt::AlignBottom,
                 fm.elidedText(m_columnLabels[c], Qt::ElideRight, int(m_cellWidth)));
      continue;
    }
    p.save();  // Upright: read bottom to top, ending just above its column.
    p.translate(cellArea.center().x() + (fm.ascent() - fm.descent()) / 2.0, m_columnLabelHeight - kLabelGap);
    p.rotate(-90);
    p.drawText(0, 0, shortLabel(m_columnLabels[c]));
    p.restore();
  }
  if (m_selected) {
    p.setPen(QPen(pal.color(QPalette::Highlight), 2));
    p.drawRect(QRectF(m_rowLabelWidth, m_columnLabelHeight, columns() * m_cellWidth, rows() * m_cellHeight)
                   .adjusted(-1, -1, 1, 1));
  }
}

bool HeatMap::event(QEvent* event) {
  if (event->type() != QEvent::ToolTip) return QWidget::event(event);
  auto* help = static_cast<QHelpEvent*>(event);
  int r = 0, c = 0;
  if (!cellAt(help->pos(), r, c) || m_cells[r][c].toolTip.isEmpty()) return QWidget::event(event);
  QToolTip::showText(help->globalPos(), m_cells[r][c].toolTip, this);
  return true;
}

void HeatMap::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton) Q_EMIT clicked();
  QWidget::mousePressEvent(event);
}

}  // namespace pretrain::ui
