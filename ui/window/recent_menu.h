#pragma once
// File ▸ Open recent: the corpora and runs used last, newest first, kept in QSettings across sessions.
// The window says what was used; choosing an entry comes back as a signal.

#include <QtWidgets/QMenu>

namespace pretrain::ui {

class RecentMenu : public QMenu {
  Q_OBJECT

 public:
  explicit RecentMenu(const QString& title, QWidget* parent = nullptr);

  void rememberCorpus(const QString& path);
  void rememberRun(const QString& dir);

 Q_SIGNALS:
  void corpusChosen(const QString& path);
  void runChosen(const QString& dir);

 private:
  /// Puts `path` first in the list kept under the settings key `key`.
  void remember(const char* key, const QString& path);
  void rebuild();
};

}  // namespace pretrain::ui
