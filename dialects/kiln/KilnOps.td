//===- KilnOps.td - kiln dialect operations ------------------*- tablegen -*-===//

#ifndef KILN_OPS_TD
#define KILN_OPS_TD

include "dialects/kiln/KilnBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

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

class Kiln_BinaryOp<string mnemonic, string formula>
    : Kiln_Op<mnemonic, [Pure]> {
  let summary = "elementwise " # mnemonic # " with broadcasting";
  let description = [{
    `result = }] # formula # [{`, with NumPy/PyTorch broadcasting: shapes are
    aligned at the trailing dimension and a dimension of size 1 stretches to
    the other operand's size. The result has the broadcast shape.
  }];
  let arguments = (ins Kiln_FloatTensor:$lhs, Kiln_FloatTensor:$rhs);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Kiln_AddOp : Kiln_BinaryOp<"add", "lhs + rhs">;
def Kiln_SubOp : Kiln_BinaryOp<"sub", "lhs - rhs">;
def Kiln_MulOp : Kiln_BinaryOp<"mul", "lhs * rhs">;
def Kiln_DivOp : Kiln_BinaryOp<"div", "lhs / rhs">;

class Kiln_UnaryOp<string mnemonic, string formula, string extra = "">
    : Kiln_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let summary = "elementwise " # mnemonic;
  let description = "Elementwise `" # formula # "`." # extra;
  let arguments = (ins Kiln_FloatTensor:$input);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Kiln_AbsOp : Kiln_UnaryOp<"abs", "|input|">;
def Kiln_NegOp : Kiln_UnaryOp<"neg", "-input">;
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
    NaN stays NaN. ReLU6 and hardtanh are clamps.
  }];
  let arguments = (ins Kiln_FloatTensor:$input, OptionalAttr<F64Attr>:$min,
                       OptionalAttr<F64Attr>:$max);
  let results = (outs Kiln_FloatTensor:$result);
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
    input or its left padding. The result is `[N, C, OH, OW]`.
  }];
  let arguments = (ins Kiln_FloatTensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$stride, DenseI64ArrayAttr:$padding,
                       DenseI64ArrayAttr:$dilation, BoolAttr:$ceil_mode);
  let results = (outs Kiln_FloatTensor:$result);
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

#endif // KILN_OPS_TD
