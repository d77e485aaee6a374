#pragma once
// A run's SentencePiece tokenizer as a Hugging Face fast tokenizer (tokenizer.json and its two small
// companions), so that `AutoTokenizer.from_pretrained` gives the ids the model was trained on. Written for
// the options every tokenizer here is trained with (tokenizer_trainer.cpp: identity normalisation, kept
// whitespace, a dummy prefix, whitespace-split pieces, byte fallback, the fixed special tokens of
// special_tokens.h), the way Hugging Face's own converters describe a SentencePiece model: a Metaspace
// pre-tokenizer, the pieces and their scores, and for BPE the merges recovered from the vocabulary.
// No LibTorch here.

#include <map>
#include <string>

namespace pretrain {

class Tokenizer;

/// tokenizer.json, tokenizer_config.json and special_tokens_map.json (file name -> contents) for
/// `tokenizer`, of SentencePiece model type `type` ("bpe" or "unigram"), for inputs of up to
/// `maxLength` tokens. Throws InputError for another type.
std::map<std::string, std::string> huggingFaceTokenizerFiles(const Tokenizer& tokenizer,
                                                             const std::string& type, int maxLength);

}  // namespace pretrain
