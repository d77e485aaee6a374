#include "export/hf_export.h"

#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "export/hf_model.h"
#include "export/hf_tokenizer.h"
#include "export/model_card.h"
#include "model/language_model.h"
#include "run/open_run.h"
#include "tokenizer/tokenize_corpus.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace fs = std::filesystem;

namespace pretrain {
namespace {

const std::set<std::string> kExportFiles = {"model.safetensors",      "config.json",
                                            "generation_config.json", "tokenizer.json",
                                            "tokenizer_config.json",  "special_tokens_map.json",
                                            "tokenizer.model",        "README.md"};

// An export goes only where nothing but an earlier export is: never over someone's files.
void checkOutputFolder(const std::string& outDir) {
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(outDir, ec);
  if (!fs::exists(status)) return;
  if (!fs::is_directory(status))
    throw InputError(outDir + " exists and is not a folder; choose a new folder");
  for (fs::directory_iterator it(outDir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!kExportFiles.count(name))
      throw InputError(outDir + " holds " + name +
                       ", which an export does not write; choose a new or empty "
                       "folder (an earlier export may be replaced)");
  }
  if (ec) throw IoError("cannot read folder " + outDir + ": " + ec.message());
}

std::string readText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string tokenizerType(const std::string& dataDir) {
  const auto info = nlohmann::json::parse(readText(dataDir + "/tokenizer-info.json"), nullptr, false);
  return info.is_object() && info.contains("type") && info["type"].is_string()
             ? info["type"].get<std::string>()
             : "bpe";
}

std::string today() {
  const std::time_t now = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", std::localtime(&now));
  return buf;
}

}  // namespace

HfExportResult exportHuggingFace(const std::string& runDir, const std::string& outDir, int64_t step,
                                 const ProgressFn& progress) {
  checkOutputFolder(outDir);
  Progress p{"exporting", 0, 5, "files", ""};
  reportProgress(progress, p);
  const RunModel m = openRunModel(runDir, step);
  const RunFolder run(runDir);
  const ModelConfig& config = m.config.model;
  const bool causal = config.objective == Objective::Causal;

  std::error_code ec;
  fs::path target = fs::absolute(outDir).lexically_normal();
  if (target.filename().empty()) target = target.parent_path();  // "out/" is the folder out.
  fs::create_directories(target.parent_path(), ec);
  ScratchDir staged(target.string() + ".tmp-" + std::to_string(::getpid()));
  const auto file = [&](const std::string& name) { return staged.path() + "/" + name; };
  const auto done = [&](const std::string& name) {
    p.done++;
    p.detail = name;
    reportProgress(progress, p);
  };

  writeTensorFile(file("model.safetensors"), huggingFaceTensors(*m.model), {{"format", "pt"}}, "model");
  done("model.safetensors");
  writeFileAtomic(file("config.json"), huggingFaceConfig(config));
  if (causal) writeFileAtomic(file("generation_config.json"), huggingFaceGenerationConfig());
  done("config.json");
  const std::string type = tokenizerType(run.dataDir());
  for (const auto& [name, contents] : huggingFaceTokenizerFiles(*m.tokenizer, type, config.context))
    writeFileAtomic(file(name), contents);
  done("tokenizer.json");
  fs::copy_file(tokenizerModelPath(run.dataDir()), file("tokenizer.model"), ec);
  if (ec) throw IoError("cannot copy the tokenizer model into " + staged.path() + ": " + ec.message());
  syncFile(file("tokenizer.model"));
  done("tokenizer.model");

  ModelCardFacts facts;
  facts.config = m.config;
  facts.step = m.step;
  facts.tokensSeen = m.tokensSeen;
  facts.parameters = config.parameterCount();
  facts.corpus = TokenStoreManifest::fromJson(readText(tokenStoreDir(run.dataDir()) + "/manifest.json"),
                                              tokenStoreDir(run.dataDir()));
  facts.tokenizerType = type;
  std::vector<StepMetrics> steps;
  std::vector<EvalMetrics> evals;
  run.readMetrics(steps, evals);
  for (const EvalMetrics& e : evals)
    if (e.step <= m.step) {
      facts.eval = e;
      facts.evaluated = true;
    }
  facts.date = today();
  facts.version = PRETRAIN_VERSION;
  writeFileAtomic(file("README.md"), modelCard(facts));
  done("README.md");

  replaceDir(staged.path(), target.string());
  staged.release();
  return {target.string(), m.checkpoint, causal ? "GPT2LMHeadModel" : "BertForMaskedLM", m.step};
}

}  // namespace pretrain
