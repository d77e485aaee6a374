#pragma once
// Two runs' settings side by side, one row per setting (pretrain::runSettings), the rows where they differ
// in bold on a tint and listed first, so what changed between two runs is seen at a glance.

#include <QtWidgets/QTableWidget>

namespace pretrain {
struct RunConfig;
}

namespace pretrain::ui {

class SettingsTable : public QTableWidget {
  Q_OBJECT

 public:
  explicit SettingsTable(QWidget* parent = nullptr);

  /// Either may be null (no run chosen on that side).
  void setRuns(const pretrain::RunConfig* a, const pretrain::RunConfig* b);
  /// The names of the settings that differ, in the table's order.
  const QStringList& differences() const { return m_differences; }

 private:
  QStringList m_differences;
};

}  // namespace pretrain::ui
