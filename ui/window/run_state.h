#pragma once
// Which run the window is about and what Start does next: one value, so that opening a run resets all of
// it at once (`state = RunState{...}`) and no field is forgotten.

#include <QtCore/QString>

namespace pretrain::ui {

struct RunState {
  QString shown;         ///< The run whose history the Train page shows (opened or last started).
  QString toContinue;    ///< The run Start continues; empty: Start makes a new run.
  QString fineTuneFrom;  ///< The run whose weights the next new run starts from; empty: random weights.
  QString twinOf;        ///< The fine-tuned run whose twin from scratch is training; empty otherwise.
  qint64 lastStep = 0;   ///< The latest step shown, to say how old the Playground's weights are.
  bool ownedElsewhere = false;  ///< Another process trains the shown run.
};

}  // namespace pretrain::ui
