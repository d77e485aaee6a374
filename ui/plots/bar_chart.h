#pragma once
// A horizontal bar chart of labelled values, largest first at the top (Qt Charts): the top tokens of a
// corpus, the next-word candidates, a masked word's candidates. Follows the window's light or dark palette.

#include <QtCharts/QChartView>
#include <QtCore/QStringList>
#include <QtCore/QVector>

namespace pretrain::ui {

class BarChart : public QChartView {
  Q_OBJECT

 public:
  explicit BarChart(QWidget* parent = nullptr);

  /// `labels` and `values` in order, first at the top; `maximum` fixes the axis (0: fit the values).
  void setBars(const QString& title, const QStringList& labels, const QVector<double>& values,
               const QString& axisTitle, double maximum = 0);
  /// Two models' values for the same labels, side by side in their colours (ab_colors.h: A's bar above
  /// B's), which `title` should name.
  void setPairedBars(const QString& title, const QStringList& labels, const QVector<double>& first,
                     const QVector<double>& second, const QString& axisTitle, double maximum = 0);
  void clearBars();
  const QStringList& labels() const { return m_labels; }
  const QVector<double>& values() const { return m_values; }
  const QVector<double>& secondValues() const { return m_second; }

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void applyTheme();
  /// One bar set per entry of `sets` (name, values), the first in the highlight colour.
  void draw(const QString& title, const QStringList& labels,
            const QVector<QPair<QString, QVector<double>>>& sets, const QString& axisTitle, double maximum);

  QStringList m_labels;
  QVector<double> m_values, m_second;
};

}  // namespace pretrain::ui
