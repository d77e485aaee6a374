#pragma once
// The progress dialog of a BackgroundTask started from a menu (Evaluate run, Export model): it opens only
// when the task takes a while, follows its progress, cancels it, and goes away when it ends.

#include <QtCore/QString>

class QWidget;

namespace pretrain::ui {

class BackgroundTask;

/// A dialog over `window` for `task` (call it before starting the task).
void showTaskProgress(BackgroundTask* task, QWidget* window, const QString& title, const QString& label);

}  // namespace pretrain::ui
