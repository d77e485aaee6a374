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
  void clearBars();
  const QStringList& labels() const { return m_labels; }
  const QVector<double>& values() const { return m_values; }

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void applyTheme();

  QStringList m_labels;
  QVector<double> m_values;
};

}  // namespace pretrain::ui
