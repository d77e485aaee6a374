#include "ui/plots/bar_chart.h"

#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSet>
#include <QtCharts/QChart>
#include <QtCharts/QHorizontalBarSeries>
#include <QtCharts/QValueAxis>

#include <algorithm>

#include "ui/plots/ab_colors.h"

namespace pretrain::ui {

BarChart::BarChart(QWidget* parent) : QChartView(new QChart, parent) {
  setRenderHint(QPainter::Antialiasing);
  chart()->setMargins(QMargins(4, 4, 4, 4));
  chart()->legend()->setVisible(false);
  applyTheme();
}

void BarChart::setBars(const QString& title, const QStringList& labels, const QVector<double>& values,
                       const QString& axisTitle, double maximum) {
  m_second.clear();
  draw(title, labels, {{axisTitle, values}}, axisTitle, maximum);
}

void BarChart::setPairedBars(const QString& title, const QStringList& labels, const QVector<double>& first,
                             const QVector<double>& second, const QString& axisTitle, double maximum) {
  m_second = second;
  draw(title, labels, {{"A", first}, {"B", second}}, axisTitle, maximum);
}

void BarChart::draw(const QString& title, const QStringList& labels,
                    const QVector<QPair<QString, QVector<double>>>& sets, const QString& axisTitle,
                    double maximum) {
  m_labels = labels;
  m_values = sets.value(0).second;
  QChart* c = chart();
  c->removeAllSeries();
  for (QAbstractAxis* axis : c->axes()) {
    c->removeAxis(axis);
    delete axis;
  }
  c->setTitle(title);
  c->legend()->setVisible(false);  // Paired bars: the title names the two colours (ab_colors.h).
  // A horizontal bar series draws its first category at the bottom: feed it in reverse.
  QStringList reversed;
  for (qsizetype i = labels.size() - 1; i >= 0; --i) {
    // Category labels must differ; a zero-width space keeps two equal labels apart.
    QString label = labels[i];
    while (reversed.contains(label)) label += QChar(0x200B);
    reversed << label;
  }
  auto* series = new QHorizontalBarSeries;
  double top = 0;
  for (qsizetype s = sets.size() - 1; s >= 0; --s) {  // Reversed too: the first set's bar on top.
    auto* set = new QBarSet(sets[s].first);
    for (qsizetype i = labels.size() - 1; i >= 0; --i) *set << sets[s].second.value(i);
    for (const double v : sets[s].second) top = std::max(top, v);
    set->setColor(sets.size() == 1 ? palette().color(QPalette::Highlight) : s == 0 ? colorA() : colorB());
    series->append(set);
  }
  c->addSeries(series);
  auto* y = new QBarCategoryAxis;
  y->append(reversed);
  y->setTruncateLabels(false);  // Qt elides even short labels otherwise.
  auto* x = new QValueAxis;
  x->setTitleText(axisTitle);
  x->setRange(0, maximum > 0 ? maximum : std::max(top * 1.05, 1e-9));
  c->addAxis(y, Qt::AlignLeft);
  c->addAxis(x, Qt::AlignBottom);
  series->attachAxis(y);
  series->attachAxis(x);
}

void BarChart::clearBars() {
  m_labels.clear();
  m_values.clear();
  m_second.clear();
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
