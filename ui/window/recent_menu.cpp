#include "ui/window/recent_menu.h"

#include <QtCore/QSettings>

#include "ui/window/settings_keys.h"

namespace pretrain::ui {
namespace {
constexpr int kRecentCount = 8;  // Entries kept per kind: a menu, not a history.
}  // namespace

RecentMenu::RecentMenu(const QString& title, QWidget* parent) : QMenu(title, parent) { rebuild(); }

void RecentMenu::rememberCorpus(const QString& path) { remember(settings::kRecentCorpora, path); }

void RecentMenu::rememberRun(const QString& dir) { remember(settings::kRecentRuns, dir); }

void RecentMenu::remember(const char* key, const QString& path) {
  QSettings stored;
  QStringList list = stored.value(key).toStringList();
  list.removeAll(path);
  list.prepend(path);
  stored.setValue(key, list.mid(0, kRecentCount));
  rebuild();
}

void RecentMenu::rebuild() {
  clear();
  QSettings stored;
  for (const QString& path : stored.value(settings::kRecentCorpora).toStringList())
    addAction(tr("Corpus: %1").arg(path), this, [this, path] { Q_EMIT corpusChosen(path); });
  addSeparator();
  for (const QString& dir : stored.value(settings::kRecentRuns).toStringList())
    addAction(tr("Run: %1").arg(dir), this, [this, dir] { Q_EMIT runChosen(dir); });
  setEnabled(!isEmpty());  // A separator alone does not count.
}

}  // namespace pretrain::ui
