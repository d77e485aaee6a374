#pragma once
// Every key the studio keeps in QSettings, in one place: a key spelt differently in two files would be two
// settings, and a renamed key would silently forget what people had chosen.

namespace pretrain::ui::settings {

inline constexpr char kWindowGeometry[] = "window/geometry";  ///< The main window's size and place.
inline constexpr char kCorpus[] = "data/corpus";  ///< The corpus of the last run started (a list of paths).
inline constexpr char kLastTrainConfig[] = "train/last";    ///< The last run's TrainConfig, as JSON.
inline constexpr char kRecentCorpora[] = "recent/corpora";  ///< File ▸ Open recent: corpora, newest first.
inline constexpr char kRecentRuns[] = "recent/runs";  ///< File ▸ Open recent: run folders, newest first.
inline constexpr char kRunsFolder[] = "runs/folder";  ///< Where new runs go; unset: the user's data folder.

}  // namespace pretrain::ui::settings
