#pragma once
// A matrix of shaded cells, painted directly (thousands of cells, redrawn as the model changes): the logit
// lens (a word in each cell, shaded by its probability) and the attention maps (a weight per cell). Labels
// sit left of the rows and above the columns (turned upright when the columns are narrow); hovering a cell
// shows its tooltip; clicking anywhere says so. Shades run from the window's base colour to its highlight
// colour, so the map reads the same in light and dark palettes.

#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QVector>
#include <QtWidgets/QWidget>

namespace pretrain::ui {

class HeatMap : public QWidget {
  Q_OBJECT

 public:
  struct Cell {
    double value = 0;  ///< 0..1: the shade.
    QString text;      ///< Drawn in the cell when it fits.
    QString toolTip;
  };

  explicit HeatMap(QWidget* parent = nullptr);

  /// cells[row][column]; the labels may be empty (none drawn).
  void setMatrix(const QStringList& rowLabels, const QStringList& columnLabels,
                 const QVector<QVector<Cell>>& cells);
  void clear() { setMatrix({}, {}, {}); }
  /// The size of a cell in pixels (fractions allowed: a thumbnail of a long prompt).
  void setCellSize(double width, double height);
  /// A frame round the cells: the map chosen among several.
  void setSelected(bool selected);

  int rows() const { return m_cells.size(); }
  int columns() const { return m_cells.isEmpty() ? 0 : m_cells.front().size(); }
  const Cell& cell(int row, int column) const { return m_cells[row][column]; }
  /// The cell under a point of the widget; false when there is none.
  bool cellAt(const QPoint& pos, int& row, int& column) const;

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override { return sizeHint(); }

 Q_SIGNALS:
  void clicked();

 protected:
  void paintEvent(QPaintEvent* event) override;
  bool event(QEvent* event) override;  // Tooltips per cell.
  void mousePressEvent(QMouseEvent* event) override;

 private:
  bool uprightColumnLabels() const;
  QRectF cellRect(int row, int column) const;

  QStringList m_rowLabels, m_columnLabels;
  QVector<QVector<Cell>> m_cells;
  double m_cellWidth = 16, m_cellHeight = 16;
  int m_rowLabelWidth = 0, m_columnLabelHeight = 0;  // Measured from the labels.
  bool m_selected = false;
};

}  // namespace pretrain::ui
