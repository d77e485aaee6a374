#pragma once
// Token ids fixed for every Pretrain Studio tokenizer, whatever its corpus or size. Token stores, masking
// and models rely on them; the tokenizer trainer reserves them and loading a tokenizer checks them.

#include <cstdint>

namespace pretrain {

struct SpecialTokens {
  static constexpr int32_t kPad = 0;   // <pad>
  static constexpr int32_t kUnk = 1;   // <unk>
  static constexpr int32_t kBos = 2;   // <s>
  static constexpr int32_t kEos = 3;   // </s>: ends every document in a token store
  static constexpr int32_t kMask = 4;  // [MASK]: a user-defined piece, so "[MASK]" in text encodes to it
  static constexpr int kCount = 5;
};

/// How a [MASK] is written in text.
inline constexpr const char* kMaskText = "[MASK]";

}  // namespace pretrain
