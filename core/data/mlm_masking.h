#pragma once
// BERT's masking, redrawn for every batch: a share of the non-special tokens is selected (15%); of those,
// 80% become [MASK], 10% a random non-special token, 10% stay as they are. The loss is taken only at
// selected positions. With whole-word masking, a word (a "▁"-initial piece and the pieces after it up to
// the next one) is selected or not as a whole.

#include <cstdint>
#include <random>
#include <vector>

namespace pretrain {

struct MaskingOptions {
  double rate = 0.15;        // share of tokens (or words) selected for prediction
  double maskShare = 0.8;    // of the selected: replaced by [MASK]
  double randomShare = 0.1;  // of the selected: replaced by a random token (the rest stay unchanged)
  bool wholeWord = false;    // select whole words rather than single pieces
};

/// Label of positions that carry no loss (the value PyTorch's cross_entropy ignores by default).
constexpr int64_t kIgnoreLabel = -100;

/// What the masker needs to know of each id.
struct VocabularyTraits {
  std::vector<uint8_t> special;     ///< Never selected, never drawn as a random replacement.
  std::vector<uint8_t> startsWord;  ///< The piece begins a word ("▁...").
};

/// Masks `tokens` in place and writes the labels (the original token where selected, kIgnoreLabel
/// elsewhere). Deterministic given the generator's state.
void applyMlmMasking(std::vector<int64_t>& tokens, std::vector<int64_t>& labels,
                     const VocabularyTraits& vocab, const MaskingOptions& options, std::mt19937_64& rng);

}  // namespace pretrain
