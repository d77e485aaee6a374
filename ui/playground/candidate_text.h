#pragma once
// A candidate as a person reads it on a chart: a piece that carries on the word before it starts with "…",
// a piece that is only a space is named, and so is the end of a document.

#include <QtCore/QString>

#include "infer/predictor.h"

namespace pretrain::ui {

QString candidateLabel(const pretrain::TokenCandidate& candidate);

}  // namespace pretrain::ui
