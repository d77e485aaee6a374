#pragma once
// For the Playground's views that ask the engine only while they are shown (a hidden lens or attention map
// would cost forward passes nobody sees): a view that is hidden when its model or input changes is marked
// stale and refreshed when it is shown.

#include <QtCore/QEvent>
#include <QtCore/QObject>
#include <QtWidgets/QWidget>

#include <functional>
#include <utility>

namespace pretrain::ui {

class RefreshWhenShown : public QObject {
 public:
  /// `refresh` is the view's own refresh, called when it is shown while stale.
  RefreshWhenShown(QWidget* view, std::function<void()> refresh)
      : QObject(view), m_view(view), m_refresh(std::move(refresh)) {
    view->installEventFilter(this);
  }

  /// True when the view is shown, so it should ask now; otherwise it is marked stale and false.
  bool askNow() {
    m_stale = !m_view->isVisible();
    return !m_stale;
  }

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override {
    if (watched == m_view && event->type() == QEvent::Show && m_stale) m_refresh();
    return false;
  }

 private:
  QWidget* m_view;
  std::function<void()> m_refresh;
  bool m_stale = true;
};

}  // namespace pretrain::ui
