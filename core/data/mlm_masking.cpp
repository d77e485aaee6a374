#include "data/mlm_masking.h"

#include "data/special_tokens.h"
#include "util/error.h"

namespace pretrain {

void applyMlmMasking(std::vector<int64_t>& tokens, std::vector<int64_t>& labels,
                     const VocabularyTraits& vocab, const MaskingOptions& o, std::mt19937_64& rng) {
  const int64_t vocabSize = int64_t(vocab.special.size());
  if (vocabSize <= SpecialTokens::kCount) throw Error("masking needs a vocabulary with ordinary tokens");
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::uniform_int_distribution<int64_t> randomToken(SpecialTokens::kCount, vocabSize - 1);
  labels.assign(tokens.size(), kIgnoreLabel);
  bool wordSelected = false;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const int64_t t = tokens[i];
    if (vocab.special[size_t(t)]) {
      wordSelected = false;
      continue;
    }
    // Whole words: the choice is made at a word's first piece and holds for the rest of it.
    const bool newWord = !o.wholeWord || vocab.startsWord[size_t(t)] || i == 0;
    if (newWord) wordSelected = uniform(rng) < o.rate;
    if (!wordSelected) continue;
    labels[i] = t;
    const double r = uniform(rng);
    if (r < o.maskShare) {
      tokens[i] = SpecialTokens::kMask;
    } else if (r < o.maskShare + o.randomShare) {
      int64_t replacement;
      do replacement = randomToken(rng);
      while (vocab.special[size_t(replacement)]);
      tokens[i] = replacement;
    }
  }
}

}  // namespace pretrain
