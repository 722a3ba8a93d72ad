//===- KilnBase.td - the kiln dialect ------------------------*- tablegen -*-===//
//
// The kiln dialect: PyTorch's operators at the level a model author thinks of
// them (conv2d, linear, batch_norm, ...), on ranked tensors with static shapes.
// The importers build it; graph passes rewrite it; passes/lower turns it into
// linalg/tensor/arith/math.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_BASE_TD
#define KILN_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/OpBase.td"

def Kiln_Dialect : Dialect {
  let name = "kiln";
  let cppNamespace = "::kiln";
  let summary = "PyTorch-level tensor operators for ahead-of-time compilation";
  let description = [{
    Ops mirror PyTorch operators with PyTorch's semantics (broadcasting, NCHW
    layouts, pooling output-size rules). Every tensor has a static shape: the
    importer specializes symbolic dimensions before building kiln IR. Each op's
    verifier recomputes the result shape from its operands and attributes, so a
    malformed model is caught at the op that is wrong.

    Element types: float16, bfloat16, float32 and float64 for every compute
    op; signless integers (PyTorch's int8 to int64) for the integer-exact ones
    (add, sub, mul, the rounding divisions, remainders, min/max, abs, neg,
    sign, clamp, bitwise ops); i1 for booleans (comparisons, logical ops,
    select). Unsigned uint8 only moves data. Quantized element types
    (`!quant.uniform`) will be admitted per op as integer kernels land.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

class Kiln_Op<string mnemonic, list<Trait> traits = []>
    : Op<Kiln_Dialect, mnemonic, traits>;

// Element types the compute ops accept today.
def Kiln_FloatElement : AnyTypeOf<[F16, BF16, F32, F64]>;
def Kiln_FloatTensor : StaticShapeTensorOf<[F16, BF16, F32, F64]>;
// Floats and PyTorch's signed integers (signless in MLIR).
def Kiln_NumericTensor : StaticShapeTensorOf<[F16, BF16, F32, F64, I8, I16, I32, I64]>;
// Integers and booleans: the bitwise ops.
def Kiln_IntegerTensor : StaticShapeTensorOf<[I1, I8, I16, I32, I64]>;
// Booleans.
def Kiln_BoolTensor : StaticShapeTensorOf<[I1]>;
// Every element type compute ops know: floats, integers, booleans.
def Kiln_ValueTensor : StaticShapeTensorOf<[F16, BF16, F32, F64, I1, I8, I16, I32, I64]>;
// Data-movement ops accept any element type.
def Kiln_AnyTensor : StaticShapeTensorOf<[AnyType]>;

#endif // KILN_BASE_TD
