// How fast the Playground's timeline switches steps: on a run folder (a tiny Brown run in the README), the
// real Playground page chooses every kept step in turn, as a person letting go of the slider would, and
// waits until every view shown has answered with that step's model (PlaygroundPage::lastSwitchMs). First
// visits mostly find it loaded ahead (the page loads the steps either side of the one shown); far jumps
// mostly read it from disk. Each tab in turn: Predictions (next word and masked words), Logit lens,
// Attention. Prints median and worst milliseconds; the target is 150 ms. A benchmark, not a test: run it by
// hand.
//   bench_timeline RUN_DIR
#include <QtCore/QElapsedTimer>
#include <QtWidgets/QApplication>
#include <QtWidgets/QTabWidget>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "infer/predictor.h"
#include "run/open_run.h"
#include "run/run_timeline.h"
#include "ui/playground/playground_page.h"
#include "ui/playground/timeline_bar.h"
#include "ui/workers/inference_service.h"
#include "util/error.h"
#include "test_widgets.h"

using pretrain::ui::PlaygroundPage;
using pretrain::ui::TimelineBar;
using testdata::child;

namespace {

void report(const char* what, std::vector<double> ms) {
  if (ms.empty()) return;
  std::sort(ms.begin(), ms.end());
  std::printf("%-46s median %6.1f ms   worst %6.1f ms   (%zu switches)\n", what, ms[ms.size() / 2], ms.back(),
              ms.size());
}

// A person looks at a step before moving on (Play shows each for 600 ms): the page uses the time to load
// the steps either side.
constexpr int kLookMs = 300;

void runEventsFor(QApplication& app, int ms) {
  QElapsedTimer wait;
  wait.start();
  while (wait.elapsed() < ms) app.processEvents(QEventLoop::AllEvents, 5);
}

// Chooses `step` and waits for the views to answer; returns the page's measure.
double switchTo(QApplication& app, PlaygroundPage& page, qint64 step) {
  const double before = page.lastSwitchMs();
  child<TimelineBar>(&page, "timeline")->choose(step);
  QElapsedTimer wait;
  wait.start();
  while (page.lastSwitchMs() == before && wait.elapsed() < 30000) app.processEvents(QEventLoop::AllEvents, 5);
  const double ms = page.lastSwitchMs();
  runEventsFor(app, kLookMs);
  return ms;
}

double millis(const QElapsedTimer& t) { return double(t.nsecsElapsed()) / 1e6; }

// Where a switch's time goes: each engine call the Playground makes, timed alone on each kept step.
void breakdown(const std::string& run) {
  pretrain::RunTimeline timeline(run);
  std::vector<double> load, next, fill, lens, attention;
  pretrain::NextOptions o;
  o.words = true;
  o.promptPieces = true;
  for (const int64_t step : timeline.steps()) {
    QElapsedTimer t;
    t.start();
    const auto p = timeline.predictorAt(step);
    load.push_back(millis(t));
    t.restart();
    p->next("I love to eat pizza with", o);
    next.push_back(millis(t));
    t.restart();
    p->fillWords("The quick brown fox jumps over the lazy dog.", {2}, 8);
    fill.push_back(millis(t));
    t.restart();
    p->lens("I love to eat pizza with", 5);
    lens.push_back(millis(t));
    t.restart();
    p->attention("I love to eat pizza with");
    attention.push_back(millis(t));
  }
  std::printf("engine calls alone, each kept step:\n");
  report("  load the step's weights (not cached)", load);
  report("  next words (whole words, prompt pieces)", next);
  report("  masked word (\"brown\", 8 candidates)", fill);
  report("  logit lens (top 5 per cell)", lens);
  report("  attention maps", attention);
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_timeline RUN_DIR\n");
    return 2;
  }
  const QString run = argv[1];
  PlaygroundPage page;
  page.resize(1280, 760);
  page.show();
  try {
    page.setRun(run);
    page.setPredictor(
        std::shared_ptr<const pretrain::Predictor>(pretrain::openRunPredictor(run.toStdString())), "latest");
  } catch (...) {
    std::fprintf(stderr, "bench_timeline: %s\n", pretrain::currentErrorMessage().c_str());
    return 1;
  }
  breakdown(run.toStdString());
  const QVector<qint64> steps = child<TimelineBar>(&page, "timeline")->steps();
  std::printf("%lld kept steps of %s\n", (long long)steps.size(), argv[1]);
  const char* names[] = {"Predictions", "Logit lens", "Attention"};
  for (int tab = 0; tab < 3; ++tab) {
    child<QTabWidget>(&page, "playgroundTabs")->setCurrentIndex(tab);
    switchTo(app, page, -1);
    std::vector<double> first, again, jumps;
    for (const qint64 s : steps) first.push_back(switchTo(app, page, s));
    for (auto it = steps.rbegin(); it != steps.rend(); ++it) again.push_back(switchTo(app, page, *it));
    // Far jumps (from one end of the slider to the other and back in): the step chosen is rarely the one
    // loaded ahead, so most of these read their weights from disk.
    for (int i = 0, n = int(steps.size()); i < n; ++i)
      jumps.push_back(switchTo(app, page, steps[i % 2 ? n - 1 - i / 2 : i / 2]));
    std::printf("%s tab:\n", names[tab]);
    report("  each step, oldest first", first);
    report("  each step again, newest first", again);
    report("  far jumps", jumps);
  }
  return 0;
}
