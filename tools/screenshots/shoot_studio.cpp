// The README's screenshots of the Playground's views inside the model, taken from the real window on a
// real run: the timeline at an early step, the logit lens with the probes traced through training, and
// the attention maps. Light or dark (Fusion's palettes), at the scale QT_SCALE_FACTOR sets. Not a test:
// run it by hand, under Xvfb or offscreen, and look at the pictures.
// With --compare, the Compare page too: RUN_DIR against RUN_B (--compare-only: that page alone, its curves in
// bits per byte).
//   shoot_studio RUN_DIR OUT_DIR [--dark] [--step N] [--compare RUN_B [--compare-only]]
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtGui/QPalette>
#include <QtWidgets/QApplication>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QStyleFactory>
#include <QtWidgets/QTabWidget>

#include <cstdio>
#include <functional>

#include "ui/compare/ab_pane.h"
#include "ui/compare/compare_curves.h"
#include "ui/compare/compare_page.h"
#include "ui/compare/run_choice.h"
#include "ui/playground/lens_pane.h"
#include "ui/playground/next_word_pane.h"
#include "ui/playground/playground_page.h"
#include "ui/playground/timeline_bar.h"
#include "ui/plots/bar_chart.h"
#include "ui/window/main_window.h"
#include "ui/workers/inference_service.h"
#include "test_widgets.h"

using namespace pretrain::ui;
using testdata::child;

namespace {

QPalette darkPalette() {
  QPalette p;
  const QColor window(45, 45, 48), base(30, 30, 32), text(230, 230, 230), disabled(130, 130, 130);
  p.setColor(QPalette::Window, window);
  p.setColor(QPalette::WindowText, text);
  p.setColor(QPalette::Base, base);
  p.setColor(QPalette::AlternateBase, window);
  p.setColor(QPalette::ToolTipBase, base);
  p.setColor(QPalette::ToolTipText, text);
  p.setColor(QPalette::PlaceholderText, disabled);
  p.setColor(QPalette::Text, text);
  p.setColor(QPalette::Button, window);
  p.setColor(QPalette::ButtonText, text);
  p.setColor(QPalette::Highlight, QColor(64, 140, 220));
  p.setColor(QPalette::HighlightedText, Qt::white);
  p.setColor(QPalette::Link, QColor(100, 170, 240));
  for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
    p.setColor(QPalette::Disabled, role, disabled);
  return p;
}

bool waitFor(const std::function<bool()>& done, int ms = 60000) {
  QElapsedTimer t;
  t.start();
  while (!done() && t.elapsed() < ms) QApplication::processEvents(QEventLoop::AllEvents, 20);
  return done();
}

void settle(int ms) {
  waitFor([] { return false; }, ms);
}

}  // namespace

int main(int argc, char** argv) {
  QApplication::setStyle(QStyleFactory::create("Fusion"));
  QApplication app(argc, argv);
  const QStringList args = app.arguments();
  if (args.size() < 3) {
    std::fprintf(stderr, "usage: shoot_studio RUN_DIR OUT_DIR [--dark] [--step N] [--compare RUN_B]\n");
    return 2;
  }
  const bool dark = args.contains("--dark");
  if (dark) QApplication::setPalette(darkPalette());
  const int stepAt = args.indexOf("--step");
  const qint64 step = stepAt > 0 ? args.value(stepAt + 1).toLongLong() : 256;
  const QString out = args[2], suffix = dark ? "-dark" : "-light";
  QDir().mkpath(out);
  MainWindow w;
  w.resize(1200, 760);
  w.show();
  if (!w.openRun(args[1])) return 1;
  PlaygroundPage* page = w.playgroundPage();
  qobject_cast<QTabWidget*>(w.centralWidget())->setCurrentWidget(page);
  if (!waitFor([page] { return page->hasModel(); })) return 1;
  child<NextWordPane>(page, "nextWord")->promptEdit()->setText("The Fulton County Grand Jury said");
  child<LensPane>(page, "lens")->wordEdit()->setText("that");
  const auto shoot = [&](const QString& name) {
    waitFor([page] { return child<InferenceService>(page, "inference")->isIdle(); });
    settle(500);  // Charts animate in.
    const QString path = out + "/" + name + suffix + ".png";
    w.grab().save(path);
    std::printf("%s\n", qPrintable(path));
  };
  const bool compareOnly = args.contains("--compare-only");
  if (!compareOnly) {
    child<TimelineBar>(page, "timeline")->choose(step);
    waitFor([page, step] { return page->lastSwitchMs() >= 0; });
    shoot("timeline");
    child<QTabWidget>(page, "playgroundTabs")->setCurrentIndex(1);
    child<QPushButton>(page, "traceProbes")->click();
    waitFor([page] { return child<QPushButton>(page, "traceProbes")->text().startsWith("Trace"); }, 120000);
    shoot("lens");
    child<QTabWidget>(page, "playgroundTabs")->setCurrentIndex(2);
    shoot("attention");
  }
  const int compareAt = args.indexOf("--compare");
  if (compareAt < 0) return 0;
  ComparePage* compare = w.comparePage();
  qobject_cast<QTabWidget*>(w.centralWidget())->setCurrentWidget(compare);
  if (!compare->choice(1)->setRun(args.value(compareAt + 1))) return 1;
  if (compareOnly) compare->curves()->setMetric(CompareCurves::Metric::BitsPerByte);
  compare->abPane()->promptEdit()->setText("The Fulton County Grand Jury said");
  // Answered: the chart, or the reason there is none (runs whose tokenizers differ).
  AbPane* ab = compare->abPane();
  waitFor(
      [ab] { return !ab->chart()->values().isEmpty() || ab->infoLabel()->text().contains("tokenizers"); });
  shoot("compare");
  return 0;
}
