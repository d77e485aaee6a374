#pragma once
// The next-piece distributions after a prompt followed by pieces, one piece more per extend(), and the
// tensor helpers the inference files share. A causal model keeps the attention keys and values of what it
// has read (KvCache), so an extension reads one new position per row instead of the whole prompt again; a
// masked model, or any other LanguageModel, reads each row whole (a masked one with a [MASK] after it).
// Rows are copied by extend() to try several pieces after the same text.
// Shapes: R rows, T time, V vocabulary. LibTorch here: only infer/*.cpp include this header.

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "model/transformer_block.h"

namespace pretrain {

class GptModel;
class LanguageModel;

/// Rows of equal length as an (R, T) int64 tensor on `device`.
torch::Tensor idsTensor(const std::vector<std::vector<int32_t>>& rows, const torch::Device& device);
/// Where the model's weights are.
torch::Device deviceOf(const LanguageModel& model);
/// A tensor's values as doubles, on the CPU.
std::vector<double> toVector(const torch::Tensor& values);
/// Each row of logits (R, V) as a distribution, at `temperature` (sampling.h's applyTemperature).
std::vector<std::vector<double>> distributions(const torch::Tensor& logits, double temperature);
/// The next-piece distribution after each row (rows of equal length), in one forward pass: a masked model
/// is asked what belongs in a [MASK] after the row; an empty row reads as a document's start; rows longer
/// than the context keep their end (and `truncated`, when given, says so).
std::vector<std::vector<double>> readNext(LanguageModel& model, std::vector<std::vector<int32_t>> rows,
                                          double temperature, bool* truncated);

class Continuations {
 public:
  /// `room`: positions a causal model keeps free after the prompt for extend() (it cannot shift its window).
  Continuations(LanguageModel& model, std::vector<int32_t> prompt, double temperature, int room);

  const std::vector<int32_t>& prompt() const { return m_prompt; }       ///< As read (its start may be cut).
  const torch::Tensor& promptLogits() const { return m_promptLogits; }  ///< Causal: (T, V); else undefined.
  const std::vector<double>& first() const { return m_first; }          ///< After the prompt.
  /// No room for another piece (a cached model at its context).
  bool full() const;
  /// Row i of the result is row from[i] followed by pieces[i]; returns the distribution after each.
  std::vector<std::vector<double>> extend(const std::vector<size_t>& from,
                                          const std::vector<int32_t>& pieces);

 private:
  LanguageModel& m_model;
  GptModel* m_gpt;  // Set for a model that reads from a KvCache.
  double m_temperature;
  std::vector<int32_t> m_prompt;
  std::vector<std::vector<int32_t>> m_rows;
  std::vector<KvCache> m_cache;
  torch::Tensor m_promptLogits;
  std::vector<double> m_first;
};

}  // namespace pretrain
