// pretrain-studio [--run DIR] [CORPUS...]: the desktop app. Corpus files or folders given on the command line
// are loaded; --run opens a run folder, and follows it live while another process trains it.
#include <QtCore/QCommandLineParser>
#include <QtCore/QTimer>
#include <QtGui/QIcon>
#include <QtWidgets/QApplication>

#include "ui/pages/data_page.h"
#include "ui/window/main_window.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName("PretrainStudio");
  QApplication::setApplicationName("Pretrain Studio");
  QApplication::setApplicationVersion(PRETRAIN_VERSION);
  // The desktop entry's name (resources/), so that a desktop shows the window under its menu entry.
  QGuiApplication::setDesktopFileName("io.github.pretrainstudio.PretrainStudio");
  QApplication::setWindowIcon(QIcon(":/icons/pretrain-studio.png"));
  QCommandLineParser args;
  args.setApplicationDescription("See how a language model learns: pre-train and explore it.");
  args.addHelpOption();
  args.addVersionOption();
  const QCommandLineOption run(
      "run", "Open the run folder DIR (followed live while another process trains it).", "DIR");
  args.addOption(run);
  args.addPositionalArgument("corpus", "Corpus files or folders to load.", "[CORPUS...]");
  args.process(app);
  pretrain::ui::MainWindow window;
  window.handleQuitRequests();  // SIGTERM at a logout or shutdown: stop the run with a checkpoint, then quit.
  if (!args.positionalArguments().isEmpty()) window.dataPage()->setCorpus(args.positionalArguments());
  window.resize(1200, 760);
  window.show();
  // Once the window is up, so that an error about the run has a window to show over.
  if (args.isSet(run))
    QTimer::singleShot(0, &window, [&window, dir = args.value(run)] { window.openRun(dir); });
  return app.exec();
}
