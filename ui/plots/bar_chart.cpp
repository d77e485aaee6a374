#include "ui/plots/bar_chart.h"

#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSet>
#include <QtCharts/QChart>
#include <QtCharts/QHorizontalBarSeries>
#include <QtCharts/QValueAxis>

#include <algorithm>

namespace pretrain::ui {

BarChart::BarChart(QWidget* parent) : QChartView(new QChart, parent) {
  setRenderHint(QPainter::Antialiasing);
  chart()->setMargins(QMargins(4, 4, 4, 4));
  chart()->legend()->setVisible(false);
  applyTheme();
}

void BarChart::setBars(const QString& title, const QStringList& labels, const QVector<double>& values,
                       const QString& axisTitle, double maximum) {
  m_labels = labels;
  m_values = values;
  QChart* c = chart();
  c->removeAllSeries();
  for (QAbstractAxis* axis : c->axes()) {
    c->removeAxis(axis);
    delete axis;
  }
  c->setTitle(title);
  // A horizontal bar series draws its first category at the bottom: feed it in reverse.
  auto* set = new QBarSet(axisTitle);
  QStringList reversed;
  for (qsizetype i = labels.size() - 1; i >= 0; --i) {
    *set << values.value(i);
    // Category labels must differ; a zero-width space keeps two equal labels apart.
    QString label = labels[i];
    while (reversed.contains(label)) label += QChar(0x200B);
    reversed << label;
  }
  set->setColor(palette().color(QPalette::Highlight));
  auto* series = new QHorizontalBarSeries;
  series->append(set);
  c->addSeries(series);
  auto* y = new QBarCategoryAxis;
  y->append(reversed);
  y->setTruncateLabels(false);  // Qt elides even short labels otherwise.
  auto* x = new QValueAxis;
  x->setTitleText(axisTitle);
  const double top = values.isEmpty() ? 1.0 : *std::max_element(values.begin(), values.end());
  x->setRange(0, maximum > 0 ? maximum : std::max(top * 1.05, 1e-9));
  c->addAxis(y, Qt::AlignLeft);
  c->addAxis(x, Qt::AlignBottom);
  series->attachAxis(y);
  series->attachAxis(x);
}

void BarChart::clearBars() {
  m_labels.clear();
  m_values.clear();
  chart()->removeAllSeries();
  chart()->setTitle(QString());
}

void BarChart::applyTheme() {
  const bool dark = palette().color(QPalette::Window).lightness() < 128;
  chart()->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
  chart()->setBackgroundBrush(palette().brush(QPalette::Base));
}

void BarChart::changeEvent(QEvent* event) {
  if (event->type() == QEvent::PaletteChange) applyTheme();
  QChartView::changeEvent(event);
}

}  // namespace pretrain::ui
