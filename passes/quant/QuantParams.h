//===- QuantParams.h - what the quantization passes read ------*- C++ -*-===//
//
// Internal to passes/quant: the constant scales and zero points of
// kiln.quantize / kiln.dequantize ops, read once for every pass.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_PASSES_QUANT_QUANTPARAMS_H
#define KILN_PASSES_QUANT_QUANTPARAMS_H

#include "dialects/kiln/KilnOps.h"

#include <optional>
#include <vector>

namespace kiln {

/// Scales and zero points of a quantize/dequantize whose parameters are
/// constants: one entry per tensor, or one per channel.
struct QuantParams {
  std::vector<double> scales;
  std::vector<int64_t> zeroPoints;
  bool perChannel = false;
};

std::optional<QuantParams> constantParams(QuantizeOp op);
std::optional<QuantParams> constantParams(DequantizeOp op);

/// Whether `v` is a tensor of int8.
bool isInt8(mlir::Value v);

} // namespace kiln

#endif // KILN_PASSES_QUANT_QUANTPARAMS_H
