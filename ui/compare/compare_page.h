#pragma once
// The Compare page: two runs side by side, or two steps of one run. Their validation curves against tokens
// seen (and in bits per byte, fair across tokenizers), their settings with the differences first, and the
// Playground in A/B mode on the two models.

#include <QtWidgets/QWidget>

#include <memory>

namespace pretrain {
class Predictor;
}

namespace pretrain::ui {

class AbPane;
class CompareCurves;
class RefreshWhenShown;
class RunChoice;
class SettingsTable;
class TimelineLoader;

class ComparePage : public QWidget {
  Q_OBJECT

 public:
  explicit ComparePage(QWidget* parent = nullptr);

  RunChoice* choice(int side) const { return m_choices[side]; }
  CompareCurves* curves() const { return m_curves; }
  SettingsTable* settings() const { return m_settings; }
  AbPane* abPane() const { return m_ab; }

 public Q_SLOTS:
  /// Offers `dir` as run A when no run is chosen there yet (the run the window shows).
  void offerRun(const QString& dir);
  /// Run `a` against run `b`, each at its latest step.
  void compareRuns(const QString& a, const QString& b);

 private:
  QWidget* createChoices();
  void choiceChanged(int side);  // Curves, settings, and the side's model.
  void loadModels();             // The models chosen since the page was last shown.

  RunChoice* m_choices[2];
  TimelineLoader* m_loaders[2];
  std::shared_ptr<const pretrain::Predictor> m_models[2];
  bool m_modelsWanted[2] = {false, false};
  RefreshWhenShown* m_whenShown;
  CompareCurves* m_curves;
  SettingsTable* m_settings;
  AbPane* m_ab;
};

}  // namespace pretrain::ui
