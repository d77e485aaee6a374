#pragma once
// A real SentencePiece tokenizer trained on a small generated corpus, shared by tests that need one.

#include <QtCore/QString>

#include <memory>
#include <string>

#include "data/corpus.h"
#include "test_data.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/tokenizer_trainer.h"

namespace testdata {

/// Writes a corpus (with accents) into `dir`/corpus.txt and trains a tokenizer on it; returns the model path.
inline std::string trainSmallTokenizer(const QString& dir, int vocabSize = 400,
                                       pretrain::TokenizerType type = pretrain::TokenizerType::Bpe) {
  const QString corpus = dir + "/corpus.txt";
  writeFile(corpus, textCorpus(40, 25));
  pretrain::TokenizerOptions o;
  o.vocabSize = vocabSize;
  o.type = type;
  const std::string model = (dir + "/tokenizer.model").toStdString();
  pretrain::trainTokenizer(pretrain::listCorpusFiles({{corpus.toStdString()}}), pretrain::TextEncoding::Utf8,
                           o, model);
  return model;
}

}  // namespace testdata

#include "tokenizer/tokenize_corpus.h"

namespace testdata {

/// A generated corpus tokenized into `dir` (tokenizer of `vocabSize` pieces and a token store).
struct TokenizedCorpus {
  std::shared_ptr<const pretrain::Tokenizer> tokenizer;
  std::shared_ptr<const pretrain::TokenStore> store;
};

inline TokenizedCorpus tokenizedCorpus(const QString& dir, const QByteArray& text, int vocabSize = 400) {
  writeFile(dir + "/corpus.txt", text);
  pretrain::TokenizeOptions o;
  o.tokenizer.vocabSize = vocabSize;
  const std::string out = (dir + "/data").toStdString();
  pretrain::tokenizeCorpus({{(dir + "/corpus.txt").toStdString()}}, out, o);
  return {pretrain::Tokenizer::load(pretrain::tokenizerModelPath(out)),
          std::make_shared<const pretrain::TokenStore>(pretrain::tokenStoreDir(out))};
}

}  // namespace testdata
