#include "ui/compare/settings_table.h"

#include <QtWidgets/QHeaderView>

#include <map>

#include "run/run_settings.h"

namespace pretrain::ui {

SettingsTable::SettingsTable(QWidget* parent) : QTableWidget(parent) {
  setColumnCount(3);
  setHorizontalHeaderLabels({tr("Setting"), tr("A"), tr("B")});
  horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
  horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
  verticalHeader()->hide();
  setEditTriggers(QAbstractItemView::NoEditTriggers);
  setWordWrap(false);
}

void SettingsTable::setRuns(const RunConfig* a, const RunConfig* b) {
  // Every setting either run has, in config.json's order (A's first, then any only B has).
  std::vector<std::string> names;
  std::map<std::string, std::string> values[2];
  for (int side = 0; side < 2; ++side) {
    const RunConfig* config = side == 0 ? a : b;
    if (!config) continue;
    for (const RunSetting& s : runSettings(*config)) {
      if (!values[0].count(s.name) && !values[1].count(s.name)) names.push_back(s.name);
      values[side][s.name] = s.value;
    }
  }
  std::vector<std::string> differing, same;
  for (const std::string& n : names) (a && b && values[0][n] != values[1][n] ? differing : same).push_back(n);
  m_differences.clear();
  setRowCount(int(names.size()));
  int row = 0;
  for (const auto* group : {&differing, &same})
    for (const std::string& n : *group) {
      const bool differs = group == &differing;
      if (differs) m_differences << QString::fromStdString(n);
      const QString cells[3] = {QString::fromStdString(n), QString::fromStdString(values[0][n]),
                                QString::fromStdString(values[1][n])};
      for (int c = 0; c < 3; ++c) {
        auto* item = new QTableWidgetItem(cells[c]);
        item->setToolTip(cells[c]);
        if (differs) {
          QFont bold = font();
          bold.setBold(true);
          item->setFont(bold);
          QColor tint = palette().color(QPalette::Highlight);
          tint.setAlpha(60);
          item->setBackground(tint);
        }
        setItem(row, c, item);
      }
      ++row;
    }
}

}  // namespace pretrain::ui
