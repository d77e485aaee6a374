// pretrain-studio [CORPUS...]: the desktop app; corpus files or folders given on the command line are loaded.
#include <QtWidgets/QApplication>

#include "ui/pages/data_page.h"
#include "ui/window/main_window.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName("PretrainStudio");
  QApplication::setApplicationName("Pretrain Studio");
  pretrain::ui::MainWindow window;
  const QStringList corpus = QApplication::arguments().mid(1);
  if (!corpus.isEmpty()) window.dataPage()->setCorpus(corpus);
  window.resize(1200, 760);
  window.show();
  return app.exec();
}
