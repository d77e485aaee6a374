#pragma once
// A trained SentencePiece model file, made the same wherever it was trained. SentencePiece keeps its
// training settings in the file (TrainerSpec), among them the paths of its input and output and its thread
// count: two trainings on the same corpus with the same settings would otherwise give files that differ in
// those bytes, and so different tokenizer hashes for the same tokenizer. Read as protobuf wire format
// without protobuf (trap: SentencePiece's own copy of it must stay inside the helper process).

#include <string>
#include <string_view>

namespace pretrain {

/// `model` (a serialised sentencepiece.ModelProto) without its trainer spec's input paths, model prefix and
/// thread count; everything else byte for byte. Throws IoError when the bytes are not such a message.
std::string withoutTrainingPlace(std::string_view model);

}  // namespace pretrain
