#include "export/model_card.h"

#include <cstdio>
#include <filesystem>
#include <sstream>

namespace pretrain {
namespace {

std::string number(double v, const char* format) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

}  // namespace

std::string modelCard(const ModelCardFacts& f) {
  const ModelConfig& m = f.config.model;
  const bool causal = m.objective == Objective::Causal;
  std::ostringstream s;
  // The front matter the Hugging Face Hub reads.
  s << "---\nlibrary_name: transformers\npipeline_tag: " << (causal ? "text-generation" : "fill-mask")
    << "\ntags:\n- pretrain-studio\n- " << (causal ? "gpt2" : "bert") << "\n---\n\n";
  s << "# " << (causal ? "A GPT-2-style next-word model" : "A BERT-style masked-word model")
    << " trained with Pretrain Studio\n\n";
  s << "Load it with `" << (causal ? "AutoModelForCausalLM" : "AutoModelForMaskedLM")
    << ".from_pretrained(folder)` and `AutoTokenizer.from_pretrained(folder)`.\n\n";
  s << "| | |\n| --- | --- |\n";
  s << "| objective | " << (causal ? "next-word prediction (causal)" : "masked words (masked language model)")
    << " |\n";
  s << "| architecture | " << (causal ? "GPT2LMHeadModel" : "BertForMaskedLM") << ": " << m.layers
    << " layers, " << m.heads << " heads, width " << m.dim << ", MLP " << m.mlpDim << ", context "
    << m.context << " |\n";
  s << "| parameters | " << f.parameters << " |\n";
  s << "| tokenizer | SentencePiece " << f.tokenizerType << ", " << m.vocabSize
    << " pieces (tokenizer.json for the fast tokenizer, tokenizer.model the original) |\n";
  s << "| corpus | ";
  // The files' names, not where they lay on the machine that trained (a run records absolute paths).
  for (size_t i = 0; i < f.config.corpus.size(); ++i) {
    const std::filesystem::path input = std::filesystem::path(f.config.corpus[i]).lexically_normal();
    s << (i ? ", " : "") << "`" << (input.has_filename() ? input : input.parent_path()).filename().string()
      << "`";
  }
  s << ": " << f.corpus.corpusBytes << " bytes, " << f.corpus.documents << " documents, " << f.corpus.tokens
    << " tokens (content " << f.corpus.contentHash << ") |\n";
  s << "| training | step " << f.step << " of " << f.config.train.steps << ", " << f.tokensSeen
    << " tokens seen, batch " << f.config.train.batch << " x " << f.config.train.accum << ", peak lr "
    << number(f.config.train.lr, "%g") << ", seed " << f.config.train.seed << " |\n";
  if (f.evaluated)
    s << "| validation (step " << f.eval.step << ") | loss " << number(f.eval.loss, "%.4f") << ", perplexity "
      << number(f.eval.perplexity, "%.2f") << ", " << number(f.eval.bitsPerByte, "%.3f") << " bits per byte"
      << (causal ? "" : " (masked positions only)") << " |\n";
  else
    s << "| validation | none recorded up to this step |\n";
  s << "| exported | " << f.date << " by Pretrain Studio " << f.version << " |\n";
  return s.str();
}

}  // namespace pretrain
