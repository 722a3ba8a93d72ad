//===- Int8IO.cpp - the kiln-int8-io pass ----------------------------------===//
//
// kilnc --io=int8: a quantized program's float inputs and outputs become the
// int8 tensors they are quantized to on entry and dequantized from on exit,
// with their scale and zero point recorded on the entry function for the C
// header. See Passes.td.
//
//===----------------------------------------------------------------------===//
#include "dialects/kiln/KilnDialect.h"
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"
#include "passes/quant/QuantParams.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;

namespace kiln {

#define GEN_PASS_DEF_INT8IOPASS
#include "passes/Passes.h.inc"

namespace {

/// The attributes an int8 input or output carries (ModelInterface reads them).
NamedAttrList quantAttrs(Builder &b, const QuantParams &params, int64_t qmin, int64_t qmax) {
  NamedAttrList attrs;
  attrs.set(kScaleAttr, b.getF64FloatAttr(params.scales[0]));
  attrs.set(kZeroPointAttr, b.getI64IntegerAttr(params.zeroPoints[0]));
  attrs.set(kQuantMinAttr, b.getI64IntegerAttr(qmin));
  attrs.set(kQuantMaxAttr, b.getI64IntegerAttr(qmax));
  return attrs;
}

std::string describeUse(Operation *op) {
  std::string s = op->getName().getStringRef().str();
  if (auto name = op->getAttrOfType<StringAttr>(kNameAttr))
    s += " '" + name.getValue().str() + "'";
  return s;
}

struct Int8IOPass : impl::Int8IOPassBase<Int8IOPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.getSymName() != kEntryFunctionName || func.isExternal())
      return;
    Builder b(&getContext());
    auto ioName = [&](bool input, unsigned i) {
      StringAttr name = input ? func.getArgAttrOfType<StringAttr>(i, kNameAttr)
                              : func.getResultAttrOfType<StringAttr>(i, kNameAttr);
      return (input ? "input '" : "output '") +
             (name ? name.getValue().str() : (input ? "input_" : "output_") + std::to_string(i)) +
             "'";
    };
    bool failedAny = false;
    auto fail = [&](Location loc, const std::string &what) {
      emitError(loc) << "--io=int8: " << what
                     << "; --io=int8 takes programs whose inputs are quantized per tensor to "
                        "int8 on entry and whose outputs are dequantized from int8 (--io=float "
                        "keeps them float)";
      failedAny = true;
    };

    // Inputs: every use a per-tensor int8 quantize with the same parameters.
    for (BlockArgument arg : func.getArguments()) {
      unsigned i = arg.getArgNumber();
      std::optional<QuantParams> params;
      QuantizeOp first;
      std::string problem;
      for (Operation *user : arg.getUsers()) {
        auto q = dyn_cast<QuantizeOp>(user);
        std::optional<QuantParams> p = q ? int8PerTensorParams(q) : std::nullopt;
        if (!p) {
          problem = ioName(true, i) + " is used by " + describeUse(user) +
                    ", not by a per-tensor quantize to int8";
          break;
        }
        if (first && (p->scales != params->scales || p->zeroPoints != params->zeroPoints ||
                      q.getQuantMin() != first.getQuantMin() ||
                      q.getQuantMax() != first.getQuantMax() || q.getType() != first.getType())) {
          problem = ioName(true, i) + " is quantized with two different parameters";
          break;
        }
        params = p;
        first = q;
      }
      if (problem.empty() && !first)
        problem = ioName(true, i) + " is not quantized (it has no use)";
      if (!problem.empty()) {
        fail(arg.getLoc(), problem);
        continue;
      }
      NamedAttrList attrs(func.getArgAttrDict(i));
      attrs.append(quantAttrs(b, *params, static_cast<int64_t>(first.getQuantMin()),
                              static_cast<int64_t>(first.getQuantMax())));
      func.setArgAttrs(i, attrs.getDictionary(&getContext()));
      arg.setType(first.getType());
      for (Operation *user : llvm::make_early_inc_range(arg.getUsers())) {
        user->getResult(0).replaceAllUsesWith(arg);
        user->erase();
      }
    }

    // Outputs: each returned value a per-tensor dequantize of int8.
    auto ret = cast<func::ReturnOp>(func.getBody().back().getTerminator());
    for (OpOperand &operand : ret->getOpOperands()) {
      unsigned i = operand.getOperandNumber();
      auto dq = operand.get().getDefiningOp<DequantizeOp>();
      std::optional<QuantParams> params = dq ? int8PerTensorParams(dq) : std::nullopt;
      if (!params) {
        Operation *producer = operand.get().getDefiningOp();
        fail(producer ? producer->getLoc() : ret.getLoc(),
             ioName(false, i) + " is " +
                 (producer ? "computed by " + describeUse(producer) : std::string("an input")) +
                 ", not by a per-tensor dequantize of int8");
        continue;
      }
      NamedAttrList attrs(func.getResultAttrDict(i));
      attrs.append(quantAttrs(b, *params, static_cast<int64_t>(dq.getQuantMin()),
                              static_cast<int64_t>(dq.getQuantMax())));
      func.setResultAttrs(i, attrs.getDictionary(&getContext()));
      operand.set(dq.getInput());
      if (dq->use_empty())
        dq->erase();
    }
    if (failedAny)
      return signalPassFailure();
    func.setType(
        FunctionType::get(&getContext(), func.getBody().getArgumentTypes(), ret.getOperandTypes()));
  }
};

} // namespace
} // namespace kiln
