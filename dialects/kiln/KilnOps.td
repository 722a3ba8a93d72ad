//===- KilnOps.td - kiln dialect operations ------------------*- tablegen -*-===//

#ifndef KILN_OPS_TD
#define KILN_OPS_TD

include "dialects/kiln/KilnBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/DestinationStyleOpInterface.td"

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

def Kiln_LinearOp : Kiln_Op<"linear", [Pure]> {
  let summary = "fully connected layer: result = input · weightᵀ + bias";
  let description = [{
    PyTorch's `torch.nn.functional.linear`. `input` is `[..., in]`, `weight` is
    `[out, in]` and the optional `bias` is `[out]`; the result is `[..., out]`.

    ```mlir
    %y = kiln.linear %x, %w, %b : (tensor<2x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<2x10xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$weight,
                       Optional<Kiln_FloatTensor>:$bias, OptionalAttr<StrAttr>:$activation);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Kiln_MatmulOp : Kiln_Op<"matmul", [Pure]> {
  let summary = "batched matrix product with broadcast batch dimensions";
  let description = [{
    `lhs` is `[B..., M, K]`, `rhs` is `[B'..., K, N]`, both of rank ≥ 2; the
    batch dimensions broadcast as in `torch.matmul` and the result is
    `[broadcast(B, B')..., M, N]`. Rank-1 operands of `torch.matmul` are
    reshaped by the importer.
  }];
  let arguments = (ins Kiln_FloatTensor:$lhs, Kiln_FloatTensor:$rhs);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

def Kiln_Conv2dOp : Kiln_Op<"conv2d", [Pure]> {
  let summary = "2-D convolution over NCHW tensors";
  let description = [{
    `input` is `[N, C, H, W]`, `weight` is `[F, C / groups, KH, KW]` and the
    optional `bias` is `[F]`. `stride` and `dilation` are `[h, w]`; `padding`
    is `[top, left, bottom, right]` of zeros (PyTorch's symmetric padding has
    top = bottom and left = right). The result is `[N, F, OH, OW]` with
    `OH = (H + top + bottom - dilation_h * (KH - 1) - 1) / stride_h + 1`
    (floor division), and likewise OW. An `activation` ("relu", "relu6",
    "hardswish", "sigmoid"), set by the activation fusion pass, is applied to
    the result.
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$weight,
                       Optional<Kiln_FloatTensor>:$bias,
                       DenseI64ArrayAttr:$stride, DenseI64ArrayAttr:$padding,
                       DenseI64ArrayAttr:$dilation, I64Attr:$groups,
                       OptionalAttr<StrAttr>:$activation);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

def Kiln_BatchNormOp : Kiln_Op<"batch_norm", [Pure]> {
  let summary = "batch normalization with running statistics (inference)";
  let description = [{
    `result = (input - mean) / sqrt(variance + epsilon) * scale + offset`,
    per channel (dimension 1). `scale`, `offset`, `mean` and `variance` are
    1-D tensors with one element per channel; the importer supplies ones and
    zeros where the model has no affine parameters.
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$scale,
                       Kiln_FloatTensor:$offset, Kiln_FloatTensor:$mean,
                       Kiln_FloatTensor:$variance, F64Attr:$epsilon);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $offset `,` $mean `,` $variance attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Kiln_LayerNormOp : Kiln_Op<"layer_norm", [Pure]> {
  let summary = "layer normalization over the trailing dimensions";
  let description = [{
    Normalizes over the dimensions `[axis, rank)`: `(x - mean) /
    sqrt(var + epsilon) * scale + offset` with the biased variance, as
    `torch.nn.functional.layer_norm(x, x.shape[axis:], scale, offset, eps)`.
    `scale` and `offset` have the shape of the normalized dimensions; the
    importer supplies ones and zeros where the model has none.
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$scale,
                       Kiln_FloatTensor:$offset, I64Attr:$axis, F64Attr:$epsilon);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $offset attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

class Kiln_BinaryOp<string mnemonic, string formula,
                    Type operandType = Kiln_FloatTensor>
    : Kiln_Op<mnemonic, [Pure]> {
  let summary = "elementwise " # mnemonic # " with broadcasting";
  let description = [{
    `result = }] # formula # [{`, with NumPy/PyTorch broadcasting: shapes are
    aligned at the trailing dimension and a dimension of size 1 stretches to
    the other operand's size. The result has the broadcast shape.
  }];
  let arguments = (ins operandType:$lhs, operandType:$rhs);
  let results = (outs operandType:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

// Integer division by zero has no value in C; PyTorch raises. Kiln's integer
// div_trunc, div_floor, fmod and remainder give 0 for it, so generated code
// never traps on a user's data.
def Kiln_AddOp : Kiln_BinaryOp<"add", "lhs + rhs", Kiln_NumericTensor>;
def Kiln_SubOp : Kiln_BinaryOp<"sub", "lhs - rhs", Kiln_NumericTensor>;
def Kiln_MulOp : Kiln_BinaryOp<"mul", "lhs * rhs", Kiln_NumericTensor>;
def Kiln_DivOp : Kiln_BinaryOp<"div", "lhs / rhs (true division)">;
def Kiln_DivTruncOp : Kiln_BinaryOp<"div_trunc",
    "trunc(lhs / rhs) (`rounding_mode='trunc'`)", Kiln_NumericTensor>;
def Kiln_DivFloorOp : Kiln_BinaryOp<"div_floor",
    "floor(lhs / rhs) (`rounding_mode='floor'`, Python's //)", Kiln_NumericTensor>;
def Kiln_MaximumOp : Kiln_BinaryOp<"maximum", "max(lhs, rhs), NaN if either is NaN",
    Kiln_NumericTensor>;
def Kiln_MinimumOp : Kiln_BinaryOp<"minimum", "min(lhs, rhs), NaN if either is NaN",
    Kiln_NumericTensor>;
def Kiln_PowOp : Kiln_BinaryOp<"pow", "lhs ^ rhs">;
def Kiln_Atan2Op : Kiln_BinaryOp<"atan2", "atan2(lhs, rhs)">;
def Kiln_FmodOp : Kiln_BinaryOp<"fmod",
    "lhs - trunc(lhs / rhs) * rhs (C's fmod: the sign of lhs)", Kiln_NumericTensor>;
def Kiln_RemainderOp : Kiln_BinaryOp<"remainder",
    "lhs - floor(lhs / rhs) * rhs (Python's %: the sign of rhs)", Kiln_NumericTensor>;
def Kiln_BitwiseAndOp : Kiln_BinaryOp<"bitwise_and", "lhs & rhs (logical and on booleans)",
    Kiln_IntegerTensor>;
def Kiln_BitwiseOrOp : Kiln_BinaryOp<"bitwise_or", "lhs | rhs (logical or on booleans)",
    Kiln_IntegerTensor>;
def Kiln_BitwiseXorOp : Kiln_BinaryOp<"bitwise_xor", "lhs ^ rhs (logical xor on booleans)",
    Kiln_IntegerTensor>;

def Kiln_CompareOp : Kiln_Op<"compare", [Pure]> {
  let summary = "elementwise comparison with broadcasting";
  let description = [{
    `result = lhs <predicate> rhs` as a boolean tensor, `predicate` one of
    `eq`, `ne`, `lt`, `le`, `gt`, `ge` (PyTorch's `torch.eq` ... `torch.ge`).
    Both operands have one element type (the importer applies PyTorch's type
    promotion first); NaN compares unequal to everything, so `ne` is true and
    the others false. Broadcasting as for the arithmetic ops.
  }];
  let arguments = (ins Kiln_ValueTensor:$lhs, Kiln_ValueTensor:$rhs, StrAttr:$predicate);
  let results = (outs Kiln_BoolTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Kiln_SelectOp : Kiln_Op<"select", [Pure]> {
  let summary = "elementwise choice: condition ? on_true : on_false";
  let description = [{
    `torch.where(condition, on_true, on_false)`: the three operands broadcast
    to the result's shape; `on_true`, `on_false` and the result have one
    element type.
  }];
  let arguments = (ins Kiln_BoolTensor:$condition, Kiln_ValueTensor:$on_true,
                       Kiln_ValueTensor:$on_false);
  let results = (outs Kiln_ValueTensor:$result);
  let assemblyFormat = [{
    $condition `,` $on_true `,` $on_false attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

class Kiln_UnaryOp<string mnemonic, string formula, string extra = "",
                   Type operandType = Kiln_FloatTensor>
    : Kiln_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let summary = "elementwise " # mnemonic;
  let description = "Elementwise `" # formula # "`." # extra;
  let arguments = (ins operandType:$input);
  let results = (outs operandType:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Kiln_AbsOp : Kiln_UnaryOp<"abs", "|input|", "", Kiln_NumericTensor>;
def Kiln_NegOp : Kiln_UnaryOp<"neg", "-input", " Integers wrap around.", Kiln_NumericTensor>;
def Kiln_BitwiseNotOp : Kiln_UnaryOp<"bitwise_not", "~input",
    " Logical not on booleans.", Kiln_IntegerTensor>;
def Kiln_ExpOp : Kiln_UnaryOp<"exp", "e^input",
    " Lowered to a polynomial approximation: generated code has no libm.">;
def Kiln_LogOp : Kiln_UnaryOp<"log", "ln(input)",
    " Lowered to a polynomial approximation: generated code has no libm.">;
def Kiln_SqrtOp : Kiln_UnaryOp<"sqrt", "sqrt(input)">;
def Kiln_RsqrtOp : Kiln_UnaryOp<"rsqrt", "1 / sqrt(input)">;
def Kiln_TanhOp : Kiln_UnaryOp<"tanh", "tanh(input)",
    " Lowered to a polynomial approximation: generated code has no libm.">;
def Kiln_SigmoidOp : Kiln_UnaryOp<"sigmoid", "1 / (1 + e^-input)",
    " Lowered to a polynomial approximation: generated code has no libm.">;

// Elementwise math; transcendental ones become polynomial approximations.
def Kiln_AcosOp : Kiln_UnaryOp<"acos", "acos(input)">;
def Kiln_AcoshOp : Kiln_UnaryOp<"acosh", "acosh(input)">;
def Kiln_AsinOp : Kiln_UnaryOp<"asin", "asin(input)">;
def Kiln_AsinhOp : Kiln_UnaryOp<"asinh", "asinh(input)">;
def Kiln_AtanOp : Kiln_UnaryOp<"atan", "atan(input)">;
def Kiln_AtanhOp : Kiln_UnaryOp<"atanh", "atanh(input)">;
def Kiln_CosOp : Kiln_UnaryOp<"cos", "cos(input)">;
def Kiln_CoshOp : Kiln_UnaryOp<"cosh", "cosh(input)">;
def Kiln_SinOp : Kiln_UnaryOp<"sin", "sin(input)">;
def Kiln_SinhOp : Kiln_UnaryOp<"sinh", "sinh(input)">;
def Kiln_TanOp : Kiln_UnaryOp<"tan", "tan(input)">;
def Kiln_ErfOp : Kiln_UnaryOp<"erf", "erf(input)">;
def Kiln_Expm1Op : Kiln_UnaryOp<"expm1", "e^input - 1">;
def Kiln_Log1pOp : Kiln_UnaryOp<"log1p", "ln(1 + input)">;
def Kiln_Log2Op : Kiln_UnaryOp<"log2", "log2(input)">;
def Kiln_Log10Op : Kiln_UnaryOp<"log10", "log10(input)">;
def Kiln_CeilOp : Kiln_UnaryOp<"ceil", "ceil(input)">;
def Kiln_FloorOp : Kiln_UnaryOp<"floor", "floor(input)">;
def Kiln_RoundOp : Kiln_UnaryOp<"round", "round(input), halves to even">;
def Kiln_TruncOp : Kiln_UnaryOp<"trunc", "trunc(input)">;
def Kiln_ReciprocalOp : Kiln_UnaryOp<"reciprocal", "1 / input">;
def Kiln_SignOp : Kiln_UnaryOp<"sign", "sign(input): -1, 0 or 1 (NaN stays NaN)", "",
    Kiln_NumericTensor>;

def Kiln_HardSwishOp : Kiln_UnaryOp<"hardswish", "input * relu6(input + 3) / 6">;
def Kiln_HardSigmoidOp : Kiln_UnaryOp<"hardsigmoid", "relu6(input + 3) / 6">;
def Kiln_SiluOp : Kiln_UnaryOp<"silu", "input * sigmoid(input)",
    " Lowered to a polynomial approximation: generated code has no libm.">;

def Kiln_GeluOp : Kiln_Op<"gelu", [Pure, SameOperandsAndResultType]> {
  let summary = "Gaussian error linear unit";
  let description = [{
    `x * Phi(x)` with the exact normal CDF (`approximate = "none"`:
    `0.5 * x * (1 + erf(x / sqrt(2)))`) or its tanh approximation
    (`approximate = "tanh"`), as `torch.nn.functional.gelu`. erf and tanh are
    polynomial approximations: generated code has no libm.
  }];
  let arguments = (ins Kiln_FloatTensor:$input, StrAttr:$approximate);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Kiln_LeakyReluOp : Kiln_Op<"leaky_relu", [Pure, SameOperandsAndResultType]> {
  let summary = "leaky rectified linear unit";
  let description = [{
    Elementwise `input > 0 ? input : input * negative_slope`, as
    `torch.nn.functional.leaky_relu`; NaN stays NaN.
  }];
  let arguments = (ins Kiln_FloatTensor:$input, F64Attr:$negative_slope);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Kiln_ReluOp : Kiln_Op<"relu", [Pure, SameOperandsAndResultType]> {
  let summary = "rectified linear unit: max(input, 0)";
  let description = [{
    Elementwise `max(input, 0)`; NaN stays NaN, as in PyTorch.
  }];
  let arguments = (ins Kiln_FloatTensor:$input);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Kiln_ClampOp : Kiln_Op<"clamp", [Pure, SameOperandsAndResultType]> {
  let summary = "elementwise clamp to [min, max]";
  let description = [{
    `min(max(input, min), max)` with either bound optional, as `torch.clamp`;
    NaN stays NaN. ReLU6 and hardtanh are clamps. On integer tensors the
    bounds must be integers.
  }];
  let arguments = (ins Kiln_NumericTensor:$input, OptionalAttr<F64Attr>:$min,
                       OptionalAttr<F64Attr>:$max);
  let results = (outs Kiln_NumericTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Shape and data movement
//===----------------------------------------------------------------------===//

def Kiln_ReshapeOp : Kiln_Op<"reshape", [Pure]> {
  let summary = "reinterpret a contiguous tensor with another shape";
  let description = [{
    The elements in row-major order are unchanged; the result type gives the
    new shape, whose element count must equal the input's. PyTorch's `view`,
    `reshape`, `flatten`, `squeeze` and `unsqueeze` import as this op.
  }];
  let arguments = (ins Kiln_AnyTensor:$input);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Kiln_PermuteOp : Kiln_Op<"permute", [Pure]> {
  let summary = "reorder the dimensions of a tensor";
  let description = [{
    `result.shape[i] = input.shape[dims[i]]`, as `torch.permute`; `dims` is a
    permutation of `[0, rank)`.
  }];
  let arguments = (ins Kiln_AnyTensor:$input, DenseI64ArrayAttr:$dims);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kiln_ConcatOp : Kiln_Op<"concat", [Pure]> {
  let summary = "concatenation along one dimension";
  let description = [{
    `torch.cat(inputs, dim)`: every input has the same rank and the same
    extents except along `dim`, where the result's extent is their sum.
  }];
  let arguments = (ins Variadic<Kiln_AnyTensor>:$inputs, I64Attr:$dim);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kiln_SliceOp : Kiln_Op<"slice", [Pure]> {
  let summary = "a strided range along one dimension";
  let description = [{
    `input[..., start:end:step, ...]` along `dim`, with `0 <= start <= end <=
    size` and `step >= 1` (the importer clamps PyTorch's negative and
    out-of-range bounds). `select`, `narrow`, `split` and `chunk` import as
    slices.
  }];
  let arguments = (ins Kiln_AnyTensor:$input, I64Attr:$dim, I64Attr:$start, I64Attr:$end,
                       I64Attr:$step);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kiln_ExpandOp : Kiln_Op<"expand", [Pure]> {
  let summary = "broadcast a tensor to a larger shape";
  let description = [{
    `input.expand(shape)`: the result type gives the shape, to which the
    input must broadcast (NumPy rules).
  }];
  let arguments = (ins Kiln_AnyTensor:$input);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kiln_PadOp : Kiln_Op<"pad", [Pure]> {
  let summary = "padding: constant, reflect or replicate";
  let description = [{
    `torch.nn.functional.pad(input, pad, mode, value)`: `low[d]` and
    `high[d]` elements before and after every dimension `d`.
    - `constant`: the new elements are `value`; negative amounts crop.
    - `reflect`: the input mirrored at its edges without repeating the edge
      element (`reflection_pad*`); amounts are in `[0, size - 1]`.
    - `replicate`: the edge element repeated (`replication_pad*`); amounts
      are non-negative.
  }];
  let arguments = (ins Kiln_AnyTensor:$input, DenseI64ArrayAttr:$low,
                       DenseI64ArrayAttr:$high, F64Attr:$value,
                       DefaultValuedStrAttr<StrAttr, "constant">:$mode);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kiln_FlipOp : Kiln_Op<"flip", [Pure, SameOperandsAndResultType]> {
  let summary = "reverse the order of elements along dimensions";
  let description = [{
    `torch.flip(input, dims)`: every dimension in `dims` (distinct, in
    `[0, rank)`) is read backwards.
  }];
  let arguments = (ins Kiln_AnyTensor:$input, DenseI64ArrayAttr:$dims);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Kiln_GatherOp : Kiln_Op<"gather", [Pure]> {
  let summary = "elements selected along one dimension by an index tensor";
  let description = [{
    `torch.gather(input, dim, index)`: the result has the index's shape and
    `result[i0, ..., id, ...] = input[i0, ..., index[i0, ..., id, ...], ...]`
    with `index` replacing the coordinate along `dim`. `index` has the input's
    rank and integer elements; negative indices count from the end. PyTorch
    raises on an index outside `[-size, size)`; generated code cannot raise,
    so Kiln clamps it into range and never reads outside the input.
  }];
  let arguments = (ins Kiln_AnyTensor:$input, Kiln_IntegerTensor:$index, I64Attr:$dim);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = [{
    $input `,` $index attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Kiln_ResizeOp : Kiln_Op<"resize", [Pure]> {
  let summary = "spatial resampling of an NCHW tensor";
  let description = [{
    `torch.nn.functional.interpolate` for 4-D inputs, `mode` `nearest` or
    `bilinear`. `scale_h`/`scale_w` are the source-per-destination ratios
    PyTorch uses (`1 / scale_factor` when a scale factor was given, input /
    output size otherwise). Nearest reads `src = min(floor(dst * scale),
    size - 1)`. Bilinear reads `src = dst * (in - 1) / (out - 1)` with
    `align_corners`, else `max((dst + 0.5) * scale - 0.5, 0)`, and blends the
    two neighbours in each dimension.
  }];
  let arguments = (ins Kiln_FloatTensor:$input, StrAttr:$mode, BoolAttr:$align_corners,
                       F64Attr:$scale_h, F64Attr:$scale_w);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kiln_ConvertOp : Kiln_Op<"convert", [Pure]> {
  let summary = "convert elements to another element type";
  let description = [{
    `tensor.to(dtype)` as PyTorch converts: between floats rounding to
    nearest even; float to integer truncating toward zero (out-of-range
    values are unspecified, as in C and PyTorch); integers sign-extend or
    wrap; to bool is `!= 0`; bool to a number is 0 or 1.
  }];
  let arguments = (ins Kiln_ValueTensor:$input);
  let results = (outs Kiln_ValueTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kiln_EmbeddingOp : Kiln_Op<"embedding", [Pure]> {
  let summary = "rows of a table selected by integer indices";
  let description = [{
    `torch.nn.functional.embedding(indices, weight)`: `weight` is `[V, D]`,
    `indices` any integer tensor; the result is `indices.shape + [D]`. An index
    outside `[0, V)` is clamped into it (PyTorch raises an error; generated
    code never reads outside the table).
  }];
  let arguments = (ins Kiln_FloatTensor:$weight, StaticShapeTensorOf<[AnyInteger]>:$indices);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$weight `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kiln_DropoutOp : Kiln_Op<"dropout", [Pure, SameOperandsAndResultType]> {
  let summary = "dropout at inference: the identity";
  let description = [{
    `torch.nn.functional.dropout(input, p, training=False)`: returns its
    input. Kept by the importer so the graph says what the model said; the
    no-op removal pass erases it.
  }];
  let arguments = (ins Kiln_AnyTensor:$input, F64Attr:$p);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Kiln_CopyOp : Kiln_Op<"copy", [Pure, SameOperandsAndResultType]> {
  let summary = "a copy of a tensor's values";
  let description = [{
    `clone`, `contiguous`, `alias` and `detach`: tensors are values here, so a
    copy is the identity; the no-op removal pass erases it.
  }];
  let arguments = (ins Kiln_AnyTensor:$input);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

//===----------------------------------------------------------------------===//
// Pooling and reductions
//===----------------------------------------------------------------------===//

def Kiln_MaxPool2dOp : Kiln_Op<"max_pool2d", [Pure]> {
  let summary = "2-D max pooling over NCHW tensors";
  let description = [{
    Window `kernel` = `[KH, KW]`, `stride`, `dilation` and symmetric implicit
    `padding` = `[PH, PW]` of -∞, as `torch.nn.functional.max_pool2d`. With
    `ceil_mode` the output size rounds up, but a window must start inside the
    input or its left padding. The result is `[N, C, OH, OW]`. On int8 (a
    quantized tensor moved below its dequantize) the padding is -128.
  }];
  let arguments = (ins StaticShapeTensorOf<[F16, BF16, F32, F64, I8]>:$input,
                       DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$stride, DenseI64ArrayAttr:$padding,
                       DenseI64ArrayAttr:$dilation, BoolAttr:$ceil_mode);
  let results = (outs StaticShapeTensorOf<[F16, BF16, F32, F64, I8]>:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kiln_AvgPool2dOp : Kiln_Op<"avg_pool2d", [Pure]> {
  let summary = "2-D average pooling over NCHW tensors";
  let description = [{
    As `torch.nn.functional.avg_pool2d`: window `kernel`, `stride`, symmetric
    zero `padding`, `ceil_mode` for the output size. The divisor of each window
    is `divisor_override` when given, else the window's size clipped to the
    padded input (`count_include_pad`) or to the input itself.
  }];
  let arguments = (ins Kiln_FloatTensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$stride, DenseI64ArrayAttr:$padding,
                       BoolAttr:$ceil_mode, BoolAttr:$count_include_pad,
                       OptionalAttr<I64Attr>:$divisor_override);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

class Kiln_SoftmaxBase<string mnemonic, string formula>
    : Kiln_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let summary = mnemonic # " along one dimension";
  let description = [{
    `}] # formula # [{` along dimension `dim` (in `[0, rank)`), computed
    stably by subtracting the maximum first, as PyTorch does.
  }];
  let arguments = (ins Kiln_FloatTensor:$input, I64Attr:$dim);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Kiln_SoftmaxOp : Kiln_SoftmaxBase<"softmax", "exp(x) / sum(exp(x))">;
def Kiln_LogSoftmaxOp : Kiln_SoftmaxBase<"log_softmax", "x - log(sum(exp(x)))">;

def Kiln_MeanOp : Kiln_Op<"mean", [Pure]> {
  let summary = "arithmetic mean over dimensions";
  let description = [{
    Mean over the dimensions `dims` (each in `[0, rank)`, no repeats), as
    `torch.mean(input, dims, keepdim)`: with `keepdim` the reduced dimensions
    stay with size 1, otherwise they are removed.
  }];
  let arguments = (ins Kiln_FloatTensor:$input, DenseI64ArrayAttr:$dims,
                       BoolAttr:$keepdim);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

class Kiln_ReduceOp<string mnemonic, string what>
    : Kiln_Op<mnemonic, [Pure]> {
  let summary = what # " over dimensions";
  let description = [{
    The }] # what # [{ over the dimensions `dims`, keeping them with size 1
    when `keepdim` is set, as the PyTorch operator of the same name.
  }];
  let arguments = (ins Kiln_FloatTensor:$input, DenseI64ArrayAttr:$dims,
                       BoolAttr:$keepdim);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kiln_AmaxOp : Kiln_ReduceOp<"amax", "maximum (NaN propagates)">;
def Kiln_AminOp : Kiln_ReduceOp<"amin", "minimum (NaN propagates)">;
def Kiln_ProdOp : Kiln_ReduceOp<"prod", "product">;

class Kiln_ArgReduceOp<string mnemonic, string what>
    : Kiln_Op<mnemonic, [Pure]> {
  let summary = "index of the " # what # " along one dimension";
  let description = [{
    The int64 index of the first }] # what # [{ along `dim` (keeping it
    with size 1 when `keepdim` is set), as `torch.}] # mnemonic # [{`. NaN
    propagates as in PyTorch: the index of the first NaN is returned when
    there is one.
  }];
  let arguments = (ins Kiln_NumericTensor:$input, I64Attr:$dim, BoolAttr:$keepdim);
  let results = (outs TensorOf<[I64]>:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kiln_ArgMaxOp : Kiln_ArgReduceOp<"argmax", "maximum">;
def Kiln_ArgMinOp : Kiln_ArgReduceOp<"argmin", "minimum">;

def Kiln_SumOp : Kiln_Op<"sum", [Pure]> {
  let summary = "sum over dimensions";
  let description = [{
    Sum over the dimensions `dims`, as `torch.sum(input, dims, keepdim)`.
  }];
  let arguments = (ins Kiln_FloatTensor:$input, DenseI64ArrayAttr:$dims,
                       BoolAttr:$keepdim);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Micro-kernel calls
//===----------------------------------------------------------------------===//

def Kiln_MicroKernelOp : Kiln_Op<"micro_kernel", [
    AttrSizedOperandSegments, DestinationStyleOpInterface,
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>]> {
  let summary = "a call of one of Kiln's micro-kernels (targets/kernels)";
  let description = [{
    Computes `outputs` from `inputs` with the micro-kernel `kernel`, whose
    integer arguments are `params`. Built by `kiln-select-micro-kernels` from
    conv2d and linear ops whose weights it has packed at compile time; works
    on tensors (destination style: each result is written into its output
    operand) and, after bufferization, on contiguous memrefs;
    `kiln-lower-micro-kernels` turns it into a call of the kernel, which
    kilnc links into the object from the target's kernel library.

    The kernels, their operands (inputs, then the one output) and their
    integer params, in order, are declared in `targets/kernels/kiln_kernels.h`
    (the micro-kernel ABI; `KILN_UK_KERNELS` gives each kernel's buffers
    with their element types, and its number of params, which the verifier
    checks). The float32 kernels' last param is the epilogue's activation
    (`enum kiln_uk_activation`); the int8 kernels (`qconv2d`, `qdwconv2d`,
    `qlinear`) take int8 data and weights and int32 bias and requantization
    parameters.

    ```mlir
    %y = kiln.micro_kernel "linear" [1, 64, 10, 0]
           ins(%x, %w, %b : tensor<1x64xf32>, tensor<1024xf32>, tensor<16xf32>)
           outs(%e : tensor<1x10xf32>) -> tensor<1x10xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyShaped>:$inputs, Variadic<AnyShaped>:$outputs,
                       StrAttr:$kernel, DenseI64ArrayAttr:$params);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let assemblyFormat = [{
    $kernel $params (`ins` `(` $inputs^ `:` type($inputs) `)`)?
    `outs` `(` $outputs `:` type($outputs) `)` attr-dict (`->` type($results)^)?
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() { return getOutputsMutable(); }
    /// What `kernel` takes (kiln_kernels.h): one letter per buffer, inputs
    /// then the output (f float32, b int8, i int32), and the number of int
    /// params; std::nullopt for a kernel Kiln does not have.
    struct Signature {
      ::llvm::StringRef buffers;
      unsigned params;
    };
    static std::optional<Signature> signature(::llvm::StringRef kernel);
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Quantization (PyTorch's quantized_decomposed operators)
//===----------------------------------------------------------------------===//

// uint8 (`ui8`) only as imported: kiln-quantize-uint8 rewrites it to int8.
def Kiln_QuantizedTensor : StaticShapeTensorOf<[I8, I16, I32, UI8]>;
def Kiln_ScaleTensor : StaticShapeTensorOf<[F32, F64]>;
def Kiln_ZeroPointTensor : StaticShapeTensorOf<[I32, I64]>;

def Kiln_QuantizeOp : Kiln_Op<"quantize", [Pure]> {
  let summary = "affine quantization of floats to integers, as PyTorch computes it";
  let description = [{
    `quantized_decomposed.quantize_per_tensor` (`scale` and `zero_point` of
    rank 0) and `quantize_per_channel` (rank 1, one entry per index of
    dimension `axis` of the input):

      q = clamp(round_half_even(x * inv) + zero_point, quant_min, quant_max)

    computed in float32, converted to the result's integer type, where
    `inv = float32(1 / scale)` with the division done in `scale`'s element
    type: PyTorch divides a per-tensor scale (a Python float) in double
    precision and a per-channel scale tensor (float32) in single precision.
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_ScaleTensor:$scale,
                       Kiln_ZeroPointTensor:$zero_point, OptionalAttr<I64Attr>:$axis,
                       I64Attr:$quant_min, I64Attr:$quant_max);
  let results = (outs Kiln_QuantizedTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $zero_point attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Kiln_DequantizeOp : Kiln_Op<"dequantize", [Pure]> {
  let summary = "affine dequantization of integers to floats, as PyTorch computes it";
  let description = [{
    `quantized_decomposed.dequantize_per_tensor` / `dequantize_per_channel`:

      x = float32(q - zero_point) * float32(scale)

    in float32 (`scale` and `zero_point` of rank 0, or rank 1 along `axis`),
    then converted to the result's float type (`out_dtype`). `quant_min` and
    `quant_max` are metadata: PyTorch does not clamp here either.
  }];
  let arguments = (ins Kiln_QuantizedTensor:$input, Kiln_ScaleTensor:$scale,
                       Kiln_ZeroPointTensor:$zero_point, OptionalAttr<I64Attr>:$axis,
                       I64Attr:$quant_min, I64Attr:$quant_max);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $zero_point attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Kiln_ChooseQParamsOp : Kiln_Op<"choose_qparams", [Pure]> {
  let summary = "dynamic per-tensor quantization parameters of a tensor";
  let description = [{
    `quantized_decomposed.choose_qparams.tensor`: with lo = min(min(x), 0)
    and hi = max(max(x), 0), in float32,

      scale = max((hi - lo) / (quant_max - quant_min), eps)
      zero_point = clamp(quant_min - round_half_even(lo / scale), quant_min, quant_max)

    returned as a float64 `scale` and an int64 `zero_point` of shape [1].
  }];
  let arguments = (ins Kiln_FloatTensor:$input, I64Attr:$quant_min, I64Attr:$quant_max,
                       F64Attr:$eps);
  let results = (outs Kiln_ScaleTensor:$scale, Kiln_ZeroPointTensor:$zero_point);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kiln_QConv2dOp : Kiln_Op<"qconv2d", [Pure]> {
  let summary = "int8 2-D convolution: int32 accumulation, fixed-point requantization";
  let description = [{
    What `dequantize -> conv2d [-> relu/relu6] -> quantize` computes, in
    integers (the quantization passes fold the pattern into this op).
    `input` is int8 `[N, C, H, W]` with zero point `input_zero_point`;
    `weight` is int8 `[F, C / groups, KH, KW]`, symmetric (zero point 0); the
    optional `bias` is int32 `[F]` in the accumulator's scale `s_x * s_w[f]`.
    `stride`, `padding` (of real zeros, i.e. of `input_zero_point`),
    `dilation` and `groups` are conv2d's. For each output element,

      acc = bias[f] + sum (x - input_zero_point) * w        (int32)
      y = clamp(output_zero_point + floor((acc * multiplier[f] + remainder[f]
                + 2^(30 - shift[f])) / 2^(31 - shift[f])), output_min, output_max)

    in 64 bits: the Q31 `multiplier` applied exactly and one rounding, half
    up, of (acc + b) * M where b is the real-valued bias in the
    accumulator's scale: `bias` is b rounded to an integer and `remainder`
    (|remainder| <= 2^30, zeros when absent) the rest, b - bias, times the
    multiplier. docs/quantization.md gives the arithmetic. A fused relu or
    relu6 is the clamp's bounds.
  }];
  let arguments = (ins StaticShapeTensorOf<[I8]>:$input, StaticShapeTensorOf<[I8]>:$weight,
                       Optional<StaticShapeTensorOf<[I32]>>:$bias,
                       DenseI64ArrayAttr:$stride, DenseI64ArrayAttr:$padding,
                       DenseI64ArrayAttr:$dilation, I64Attr:$groups,
                       I64Attr:$input_zero_point, I64Attr:$output_zero_point,
                       DenseI32ArrayAttr:$multiplier, DenseI32ArrayAttr:$shift,
                       I64Attr:$output_min, I64Attr:$output_max,
                       OptionalAttr<DenseI32ArrayAttr>:$remainder);
  let results = (outs StaticShapeTensorOf<[I8]>:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Kiln_QLinearOp : Kiln_Op<"qlinear", [Pure]> {
  let summary = "int8 fully connected layer: int32 accumulation, fixed-point requantization";
  let description = [{
    What `dequantize -> linear [-> relu/relu6] -> quantize` computes, in
    integers: `input` int8 `[..., K]` with zero point `input_zero_point`,
    `weight` int8 `[N, K]` (zero point 0), optional int32 `bias` `[N]` in the
    scale `s_x * s_w[n]`; each output is requantized as kiln.qconv2d's, with
    `multiplier`, `shift` and `remainder` per output feature.
  }];
  let arguments = (ins StaticShapeTensorOf<[I8]>:$input, StaticShapeTensorOf<[I8]>:$weight,
                       Optional<StaticShapeTensorOf<[I32]>>:$bias,
                       I64Attr:$input_zero_point, I64Attr:$output_zero_point,
                       DenseI32ArrayAttr:$multiplier, DenseI32ArrayAttr:$shift,
                       I64Attr:$output_min, I64Attr:$output_max,
                       OptionalAttr<DenseI32ArrayAttr>:$remainder);
  let results = (outs StaticShapeTensorOf<[I8]>:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Kiln_QAddOp : Kiln_Op<"qadd", [Pure]> {
  let summary = "int8 addition of two quantized tensors with different scales";
  let description = [{
    What `dequantize(a) + dequantize(b) [-> relu/relu6] -> quantize` computes,
    in integers (NumPy broadcasting): with `lhs_multiplier` =
    round(s_a / s_y * 2^shift) and `rhs_multiplier` likewise,

      y = clamp(output_zero_point + round_half_even(((a - lhs_zero_point) * lhs_multiplier
              + (b - rhs_zero_point) * rhs_multiplier) / 2^shift), output_min, output_max)

    in 64-bit arithmetic.
  }];
  let arguments = (ins StaticShapeTensorOf<[I8]>:$lhs, StaticShapeTensorOf<[I8]>:$rhs,
                       I64Attr:$lhs_zero_point, I64Attr:$rhs_zero_point,
                       I64Attr:$lhs_multiplier, I64Attr:$rhs_multiplier, I64Attr:$shift,
                       I64Attr:$output_zero_point, I64Attr:$output_min, I64Attr:$output_max);
  let results = (outs StaticShapeTensorOf<[I8]>:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Kiln_QMulOp : Kiln_Op<"qmul", [Pure]> {
  let summary = "int8 product of two quantized tensors";
  let description = [{
    What `dequantize(a) * dequantize(b) [-> relu/relu6] -> quantize`
    computes, in integers (NumPy broadcasting): with `multiplier` =
    round(s_a * s_b / s_y * 2^shift),

      y = clamp(output_zero_point + round_half_even((a - lhs_zero_point)
              * (b - rhs_zero_point) * multiplier / 2^shift), output_min, output_max)

    in 64-bit arithmetic (the product of the two differences has 17 bits).
  }];
  let arguments = (ins StaticShapeTensorOf<[I8]>:$lhs, StaticShapeTensorOf<[I8]>:$rhs,
                       I64Attr:$lhs_zero_point, I64Attr:$rhs_zero_point,
                       I64Attr:$multiplier, I64Attr:$shift,
                       I64Attr:$output_zero_point, I64Attr:$output_min, I64Attr:$output_max);
  let results = (outs StaticShapeTensorOf<[I8]>:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Kiln_QMatmulOp : Kiln_Op<"qmatmul", [Pure]> {
  let summary = "int8 batched matrix product of two quantized tensors";
  let description = [{
    What `matmul(dequantize(a), dequantize(b)) -> quantize` computes, in
    integers, with kiln.matmul's shapes (broadcast batch dimensions):

      acc = sum_k (a[..., m, k] - lhs_zero_point) * (b[..., k, n] - rhs_zero_point)   (int32)
      y = clamp(output_zero_point + requantize(acc, multiplier[0], shift[0]),
                output_min, output_max)

    with kiln.qconv2d's requantization (one multiplier: both scales are per
    tensor).
  }];
  let arguments = (ins StaticShapeTensorOf<[I8]>:$lhs, StaticShapeTensorOf<[I8]>:$rhs,
                       I64Attr:$lhs_zero_point, I64Attr:$rhs_zero_point,
                       I64Attr:$output_zero_point,
                       DenseI32ArrayAttr:$multiplier, DenseI32ArrayAttr:$shift,
                       I64Attr:$output_min, I64Attr:$output_max);
  let results = (outs StaticShapeTensorOf<[I8]>:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Kiln_QLinearDynamicOp : Kiln_Op<"qlinear_dynamic", [Pure]> {
  let summary = "fully connected layer of a dynamically quantized int8 input, float result";
  let description = [{
    What `linear(dequantize(x, s, z), dequantize(w_q, s_w, 0), bias)` computes
    for dynamic quantization (`s` and `z` computed at run time by
    kiln.choose_qparams), with the products in integers: `input` int8
    `[..., K]`, `input_scale` and `input_zero_point` of rank 0, `weight` int8
    `[N, K]` (zero point 0), `weight_scale` float32 `[N]`, optional float32
    `bias` `[N]`:

      acc = sum_k (x - z) * w                                   (int32)
      y = float32(acc) * (float32(s) * weight_scale[n]) + bias[n]

    then the optional fused activation, as kiln.linear's.
  }];
  let arguments = (ins StaticShapeTensorOf<[I8]>:$input, Kiln_ScaleTensor:$input_scale,
                       Kiln_ZeroPointTensor:$input_zero_point,
                       StaticShapeTensorOf<[I8]>:$weight, StaticShapeTensorOf<[F32]>:$weight_scale,
                       Optional<StaticShapeTensorOf<[F32]>>:$bias,
                       OptionalAttr<StrAttr>:$activation);
  let results = (outs StaticShapeTensorOf<[F32]>:$result);
  let assemblyFormat = [{
    $input `,` $input_scale `,` $input_zero_point `,` $weight `,` $weight_scale (`,` $bias^)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Kiln_QAvgPool2dOp : Kiln_Op<"qavg_pool2d", [Pure]> {
  let summary = "2-D average pooling (NCHW) of int8 values to int8 values";
  let description = [{
    What `dequantize(x) -> avg_pool2d -> quantize` (per-tensor int8) computes
    when every window has the same divisor N, without the float tensors
    between: per window, in float32 as PyTorch's Q/DQ graph does,

      v = (sum_window float32(x - input_zero_point) * float32(input_scale)) / N
      y = clamp(round_half_even(v * float32(1 / output_scale)) + output_zero_point,
                output_min, output_max)

    `padding` reads as input_zero_point (a dequantized zero).
  }];
  let arguments = (ins StaticShapeTensorOf<[I8]>:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$stride, DenseI64ArrayAttr:$padding,
                       F64Attr:$input_scale, I64Attr:$input_zero_point, I64Attr:$divisor,
                       F64Attr:$output_scale, I64Attr:$output_zero_point,
                       I64Attr:$output_min, I64Attr:$output_max);
  let results = (outs StaticShapeTensorOf<[I8]>:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kiln_LookupOp : Kiln_Op<"lookup", [Pure]> {
  let summary = "int8 elementwise function as a 256-entry table";
  let description = [{
    `result[i] = table[input[i] + 128]`: any elementwise function of a
    quantized int8 value whose result is quantized again, tabulated at
    compile time (kiln-quantize-elementwise computes the table with
    PyTorch's float arithmetic, so the result is what the Q/DQ graph gives).
  }];
  let arguments = (ins StaticShapeTensorOf<[I8]>:$input, StaticShapeTensorOf<[I8]>:$table);
  let results = (outs StaticShapeTensorOf<[I8]>:$result);
  let assemblyFormat = "$input `,` $table attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // KILN_OPS_TD
