// pretrain-studio: the desktop app.
#include <QtWidgets/QApplication>

#include "ui/main_window.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName("PretrainStudio");
  QApplication::setApplicationName("Pretrain Studio");
  pretrain::ui::MainWindow window;
  window.resize(1200, 760);
  window.show();
  return app.exec();
}
