#pragma once
// A candidate as a person reads it on a chart: a piece that carries on the word before it starts with "…",
// a piece that is only a space is named, and so is the end of a document. The next-word and masked-word
// charts both draw their candidates through showCandidates(), so they read alike.

#include <QtCore/QString>

#include <vector>

#include "infer/predictor.h"

namespace pretrain::ui {

class BarChart;

QString candidateLabel(const pretrain::TokenCandidate& candidate);
/// `candidates` as bars of probability (on a 0 to 1 axis, so charts compare), most probable at the top.
void showCandidates(BarChart* chart, const QString& title,
                    const std::vector<pretrain::TokenCandidate>& candidates);

}  // namespace pretrain::ui
