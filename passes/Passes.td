//===- Passes.td - Kiln's transformation passes ----------------*- tablegen -*-===//
//
// Every pass of passes/{graph,lower,bufferize,memory,llvm} (one folder per
// stage, compiler/pipeline/Pipeline.cpp) is declared here;
// kiln-opt registers them all, so each can run alone in a lit test.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_PASSES_TD
#define KILN_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// passes/graph: kiln to kiln
//===----------------------------------------------------------------------===//

def RemoveNoOpsPass : Pass<"kiln-remove-noops"> {
  let summary = "Erase ops that return their input";
  let description = [{
    Dropout at inference, copies (clone, contiguous, alias, detach),
    reshapes and expands to the same shape, identity permutations, slices of
    a whole dimension, concatenations of one tensor and clamps without bounds
    all return their input. The importer keeps them so its output says what
    the model said; this pass removes them. A permutation of a permutation
    becomes one permutation (the composition), so the layout changes around
    an imported NHWC graph's operators (an XNNPACK delegate's) cancel.
  }];
}

def SinkPermutesPass : Pass<"kiln-sink-permutes"> {
  let summary = "Move permutes past the elementwise ops they feed";
  let description = [{
    `op(permute(x))` becomes `permute(op(x))` for an elementwise op (int8
    table lookups, per-tensor quantize and dequantize, clamp, relu), and
    `op(permute(a), permute(b))` with the same dims on inputs of the same
    shape becomes `permute(op(a, b))` (qadd, add), when each permute has no
    other user. An imported NHWC graph (an XNNPACK delegate's) puts its
    elementwise ops between the permutes back and forth around each NCHW
    operator; moved past them, the permutes meet, compose and cancel (the
    pass applies kiln-remove-noops's patterns too, until nothing changes).
    Per-channel quantization (an axis), broadcasting and permutes with other
    users are left alone.
  }];
}

def FormLinearPass : Pass<"kiln-form-linear"> {
  let summary = "Rebuild linear layers from Core ATen's permute + addmm";
  let description = [{
    Core ATen decomposes `linear(x, W, b)` into `addmm(b, x, permute(W))`,
    which imports as `add(matmul(x, permute(W)), b)`. This pass turns
    `matmul(x, permute(W, [1, 0]))` back into `linear(x, W)` and folds a
    following per-feature bias add into it, so both IR forms compile to the
    same code and no weight is transposed at run time.
  }];
}

def FoldBatchNormPass : Pass<"kiln-fold-batch-norm"> {
  let summary = "Fold inference batch norm into the preceding conv2d or linear";
  let description = [{
    `batch_norm(conv2d(x, W, b))` with constant W, b and statistics becomes
    `conv2d(x, W', b')` with `W'[f] = W[f] * s[f]` and `b'[f] = (b[f] -
    mean[f]) * s[f] + offset[f]`, `s = scale / sqrt(var + eps)`, computed at
    compile time in double precision and rounded once; likewise for a linear
    layer whose output's dimension 1 is the feature dimension. The producer
    must have no other user and no fused activation.
  }];
}

def FoldConstantsPass : Pass<"kiln-fold-constants"> {
  let summary = "Evaluate kiln ops whose operands are all constants";
  let description = [{
    Data movement (reshape, permute, slice, concat, expand, copy, dropout)
    on any element type and arithmetic (add, sub, mul, div, neg) on floats,
    computed at compile time: a transposed weight becomes a transposed
    constant. The result is a dense_resource blob. Folds that would grow the
    constants (broadcasting a small tensor into a big one) are left alone
    unless the result stays under `max-growth-bytes`.
  }];
  let options = [
    Option<"maxGrowthBytes", "max-growth-bytes", "int64_t", /*default=*/"65536",
           "A fold may produce more bytes than its operands only up to this size">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def FuseActivationsPass : Pass<"kiln-fuse-activations"> {
  let summary = "Fuse relu, relu6, hardswish and sigmoid into conv2d and linear";
  let description = [{
    An activation whose operand is a conv2d or linear with no other user
    becomes the producer's `activation` attribute, so code generation applies
    it in the producer's epilogue instead of in a second pass over memory.
    `clamp(min = 0, max = 6)` is relu6 and `clamp(min = 0)` (no max: an
    XNNPACK node's output range) relu; other clamps stay. Core ATen's
    decompositions `x * clamp(x + 3, 0, 6) / 6` and `clamp(x + 3, 0, 6) / 6`
    (the clamp possibly as two, min then max) become hardswish and
    hardsigmoid first, so they fuse like the training IR's.
  }];
}

def QuantizeDataMovementPass : Pass<"kiln-quantize-data-movement"> {
  let summary = "Keep reshapes, permutes and max pooling of quantized tensors in int8";
  let description = [{
    A reshape, permute or max_pool2d of a per-tensor kiln.dequantize becomes
    the same op on its int8 input, dequantized after (dequantization is
    increasing, so the maximum commutes with it); so does a per-channel
    dequantize through a reshape that keeps its axis (conv1d's weight). A
    per-tensor quantize of a reshape moves above it, with a relu or clamp
    between them moved below the reshape, so that conv1d (a reshape, conv2d
    and reshape) meets its dequantize and quantize: the data moves as int8
    and the dequantize reaches the op that consumes it. A quantize of a
    dequantize with the same scale and zero point, whose range is its whole
    integer type, is the identity and is removed. Per-channel
    dequantizations are left alone (their axis would move).
  }];
}

def QuantizeAddPass : Pass<"kiln-quantize-add"> {
  let summary = "Fold dequantize + dequantize [-> relu/clamp] -> quantize into an int8 add";
  let description = [{
    An add of two per-tensor int8 kiln.dequantize results (any scales, NumPy
    broadcasting) whose only user is a per-tensor int8 kiln.quantize, after
    an optional relu or clamp, becomes kiln.qadd: each input times
    `s_in / s_out` as an integer over a common power of two, the sum exact
    in 64 bits, rounded once half to even. Left alone: per-channel
    parameters, other element types, an add or activation with other users.
  }];
}

def QuantizeAvgPoolPass : Pass<"kiln-quantize-avg-pool"> {
  let summary = "Fold dequantize -> avg_pool2d or mean -> quantize into int8 average pooling";
  let description = [{
    An avg_pool2d of a per-tensor int8 kiln.dequantize, whose only user is a
    per-tensor int8 kiln.quantize, becomes kiln.qavg_pool2d when every
    window's divisor is the same N (no padding or padding counted, no window
    past the padded input, or a divisor_override): int8 in and out, the
    window's dequantized values summed and divided in float32 as the Q/DQ
    graph computes them (so the result is PyTorch's), but no float tensor
    in memory. A kiln.mean over the trailing dimensions of such a dequantize
    (the global average pool of a classifier) becomes the same op: the int8
    input viewed as [1, P, 1, K] (kiln.reshape) and pooled with a 1 x K
    window, the result reshaped back. Left alone: per-channel
    parameters, other element types, windows with different divisors, a pool
    with other users, a mean over dimensions that are not the last ones.
  }];
}

def QuantizeMulPass : Pass<"kiln-quantize-mul"> {
  let summary = "Fold dequantize -> mul -> quantize into int8 multiplication";
  let description = [{
    `quantize(dequantize(a) * dequantize(b))`, per-tensor int8 throughout,
    with an optional relu or clamp before the quantize (each used once),
    becomes kiln.qmul: the product of the inputs' differences from their
    zero points times the fixed-point multiplier s_a * s_b / s_y, rounded
    once, half to even; broadcasting as the mul's. Left alone: per-channel
    parameters, an operand that is not a dequantize, a mul with other users.
  }];
}

def QuantizeMatmulPass : Pass<"kiln-quantize-matmul"> {
  let summary = "Fold dequantize -> matmul -> quantize into an int8 matrix product";
  let description = [{
    `quantize(matmul(dequantize(a), dequantize(b)))`, per-tensor int8
    throughout (both operands activations), with an optional relu or clamp
    before the quantize (each used once), becomes kiln.qmatmul: the products
    of the differences from the zero points summed in int32, requantized by
    one Q31 multiplier and shift (s_a * s_b / s_y). Left alone: a float
    operand (a weight the quantizer left in float32, as addmm's), per-channel
    parameters, a multiplier below 2^-31, a contraction long enough to
    overflow int32, a matmul with other users.
  }];
}

def QuantizeDynamicLinearPass : Pass<"kiln-quantize-dynamic-linear"> {
  let summary = "Fold a linear of a dequantized int8 input and weight into an integer product";
  let description = [{
    `linear(dequantize(x, s, z), dequantize(w, s_w, 0), bias)` with a float32
    result (dynamic quantization: `s` and `z` computed at run time by
    kiln.choose_qparams, or constants) becomes kiln.qlinear_dynamic: the
    products of the int8 input less its zero point and the int8 weight
    summed in int32, scaled by s * s_w[n], the bias added, the linear's fused
    activation applied. The weight must be symmetric (zero points 0) with
    constant scales, per output feature or per tensor. Left alone: a float
    input or weight, a per-channel input, asymmetric weights, other element
    types. Runs after kiln-quantize-conv-linear, which folds the static
    pattern (a quantized result).
  }];
}

def QuantizeUInt8Pass : Pass<"kiln-quantize-uint8"> {
  let summary = "Rewrite uint8 quantization as int8 quantization shifted by 128";
  let description = [{
    A kiln.quantize to uint8 and the kiln.dequantize ops of its result
    become int8 ones with their zero points and ranges less 128 (the same
    real values: u = i + 128), so that the int8 folds and kernels serve
    uint8 programs. A run-time zero point (dynamic quantization) is shifted
    by a kiln.sub. An error names any op that would see the uint8 values
    themselves: a user of the quantized tensor other than a dequantize, or a
    dequantize of a uint8 tensor that no quantize produced.
  }];
}

def QuantizeConcatPadPass : Pass<"kiln-quantize-concat-pad"> {
  let summary = "Keep concatenation and padding of dequantized int8 tensors in int8";
  let description = [{
    `quantize(concat(dequantize(a), dequantize(b), ...))` and
    `quantize(pad(dequantize(x), value))`, per-tensor int8 throughout, with
    the concat or pad used only by the quantize, become the concat or pad of
    the int8 inputs, each requantized to the output's scale and zero point:
    unchanged where its parameters are the output's and the quantize's
    range is the whole of int8, else through a 256-entry kiln.lookup table
    computed as PyTorch computes dequantize then quantize. A constant pad's
    value is quantized with the output's parameters. Left alone: per-channel
    parameters, an operand that is not a dequantize, a concat or pad with
    other users.
  }];
}

def QuantizeElementwisePass : Pass<"kiln-quantize-elementwise"> {
  let summary = "Tabulate elementwise functions between an int8 dequantize and quantize";
  let description = [{
    `quantize(f(dequantize(x)))` with per-tensor int8 on both sides and f a
    chain of relu, clamp (relu6, hardtanh), hardswish, hardsigmoid, sigmoid
    and tanh ops (each with one user) becomes kiln.lookup: a 256-entry table
    of the result for every int8 input, computed at compile time in float32
    as PyTorch's Q/DQ graph computes it. Everything else is left alone.
  }];
}

def Int8IOPass : Pass<"kiln-int8-io", "mlir::func::FuncOp"> {
  let summary = "Make a quantized program's inputs and outputs int8 (kilnc --io=int8)";
  let description = [{
    On the entry function (`@forward`): an input whose every use is a
    per-tensor kiln.quantize to int8 with constant scale and zero point (all
    with the same parameters) becomes that int8 tensor, and the quantizes go;
    an output returned by a per-tensor kiln.dequantize of int8 becomes that
    int8 tensor. Each gets `kiln.scale`, `kiln.zero_point`, `kiln.quant_min`
    and `kiln.quant_max` attributes, which the C header states as macros, so
    integer-only firmware needs no float at the model's boundary. Any other
    input or output (used by a float op, quantized per channel, a float
    output) is an error naming it: the program cannot have int8 I/O.
  }];
}

def QuantizeConvLinearPass : Pass<"kiln-quantize-conv-linear"> {
  let summary = "Fold dequantize -> conv2d/linear [-> relu] -> quantize into int8 ops";
  let description = [{
    A conv2d or linear whose input is a per-tensor kiln.dequantize of int8,
    whose weight is a kiln.dequantize of a constant symmetric int8 tensor (per
    tensor, or per output channel along axis 0), whose bias is a float
    constant or absent, and whose only user is a per-tensor int8
    kiln.quantize (after an optional fused relu or relu6 activation) becomes
    kiln.qconv2d / kiln.qlinear: int32 accumulation, the bias quantized to
    int32 (`round_half_even(b / (s_x * s_w[c]))`), the multiplier
    `s_x * s_w[c] / s_y` as a Q31 fixed-point multiplier and shift, the
    activation as the output clamp. Everything else is left alone (it runs
    in float between its dequantize and quantize): a non-constant or
    asymmetric weight, an asymmetric int8 range, other activations, users
    besides the quantize, other element types.
  }];
}

def DeadCodePass : Pass<"kiln-dce"> {
  let summary = "Erase ops whose results nothing uses";
  let description = [{
    Erases side-effect-free ops without users (the results of earlier
    rewrites, constants nothing reads), repeatedly, in reverse order.
  }];
}

//===----------------------------------------------------------------------===//
// passes/lower, passes/bufferize, passes/llvm: kiln to linalg, and on to the
// LLVM dialect (a pass's folder is the stage that runs it)
//===----------------------------------------------------------------------===//

def ConvertKilnToLinalgPass : Pass<"convert-kiln-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower kiln ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Rewrites every kiln op into destination-style linalg ops on tensors
    (named convolution and pooling ops where linalg has them, linalg.generic
    otherwise), tensor.pad for implicit padding, and tensor reshapes that keep
    views views. Patterns are split by op family (linear, convolution,
    normalization, pooling, reduction, elementwise, data movement); each family
    exposes a populate function. A kiln op left over is an error at its
    location: the importer accepted something no lowering handles.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::tensor::TensorDialect"
  ];
}

def SelectMicroKernelsPass : Pass<"kiln-select-micro-kernels", "mlir::func::FuncOp"> {
  let summary = "Route conv2d and linear ops (float32 and int8) with constant weights to micro-kernels";
  let description = [{
    Runs before `convert-kiln-to-linalg`. A float32 `kiln.conv2d` with
    constant weight and bias (groups = 1, or depthwise: one input and one
    output channel per group) and a float32 `kiln.linear` with constant
    weight and bias become `kiln.micro_kernel` ops. The weights are packed
    here, at compile time, into the layout the target's kernel reads
    (targets/kernels/kiln_kernels.c): conv2d `[ceil(K/kc)][ceil(F/mr)][kc][mr]`
    with K = C*KH*KW (the last K block shorter),
    linear `[ceil(N/nr)][K][nr]`; biases are padded (zeros where there is
    none). relu, relu6 and hardswish run in the kernel's epilogue; another
    fused activation (sigmoid) becomes a kiln op after it. The end of a
    residual block, `add(conv2d(x), r)` with the conv's only use, optionally
    under a relu, becomes one `conv2d_residual` kernel (the add and relu in
    its epilogue). With `qmr` > 0, `kiln.qconv2d` (groups = 1 or depthwise)
    and `kiln.qlinear` with constant int8 weights and int32 bias become the
    int8 kernels `qconv2d`, `qdwconv2d` and `qlinear`: weights packed in words
    of four consecutive k, conv2d `[ceil(F/qmr)][ceil(K/4)][qmr]` words and
    linear `[ceil(N/qnr)][ceil(K/4)][qnr]`, the bias folded with the input's
    zero point (and `qoff`, 128 where the kernels' dot product reads the
    activations as unsigned bytes): `bias - (zx + qoff) * sum_k w`. With
    `qfours`, a conv whose C rounded up to a multiple of 4, C4, is at most 4/3
    of C (3, 6, 7 or a multiple of 4) has its k in channel fours, K = C4*KH*KW,
    `k = ((c/4 * KH + ki) * KW + kj) * 4 + c % 4` with zero weights past C
    (one word: four channels of one tap, the order of the direct AVX-512
    conv), else `k = (c * KH + ki) * KW + kj`. A 1x1
    qconv2d of a 1x1 image is the qlinear kernel, and every `kiln.lookup`
    (an int8 function as a 256-entry table) the `lookup` kernel, and every
    undilated int8 `kiln.max_pool2d` the `qmaxpool2d` kernel. Everything else
    (other element types, computed weights, grouped convolutions) is left to
    the linalg lowering. `mr` = 0 and `qmr` = 0 turn the pass off.
  }];
  let options = [
    Option<"mr", "mr", "int64_t", /*default=*/"0",
           "Rows of the kernels' register tile (0: select no kernels)">,
    Option<"nr", "nr", "int64_t", /*default=*/"0",
           "Columns of the kernels' register tile">,
    Option<"kc", "kc", "int64_t", /*default=*/"256",
           "Depth of the kernels' K blocks (conv2d weights are packed by K block)">,
    Option<"qmr", "qmr", "int64_t", /*default=*/"0",
           "Rows of the int8 kernels' tile (0: select no int8 kernels)">,
    Option<"qnr", "qnr", "int64_t", /*default=*/"0",
           "Columns of the int8 kernels' tile">,
    Option<"qoff", "qoff", "int64_t", /*default=*/"0",
           "What the int8 kernels add to their activations (128: unsigned x signed dot products)">,
    Option<"qfours", "qfours", "bool", /*default=*/"false",
           "Pack int8 conv weights in channel fours (C padded to a multiple of 4 where that adds at most a third)">,
  ];
  let dependentDialects = ["::mlir::tensor::TensorDialect", "::mlir::arith::ArithDialect"];
}

def LowerMicroKernelsPass : Pass<"kiln-lower-micro-kernels", "mlir::ModuleOp"> {
  let summary = "Turn kiln.micro_kernel ops on memrefs into calls of the kernels";
  let description = [{
    After bufferization and memory planning, each `kiln.micro_kernel` becomes
    a `func.call` of `kiln_uk_<kernel>` with one pointer per operand (the
    buffer's aligned pointer plus its offset) and one i32 per param; the
    callee is declared privately in the module. kilnc links the kernel
    bodies in from the target's kernel library when it translates the module
    to LLVM IR.
  }];
  let options = [
    Option<"indexBitwidth", "index-bitwidth", "unsigned", /*default=*/"64",
           "Bits of the index type (and of pointers)">,
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect", "::mlir::func::FuncDialect",
                           "::mlir::memref::MemRefDialect", "::mlir::arith::ArithDialect"];
}

def FuseElementwisePass : Pass<"kiln-fuse-elementwise", "mlir::func::FuncOp"> {
  let summary = "Fuse chains of elementwise linalg.generic ops into one loop nest";
  let description = [{
    Upstream linalg elementwise fusion (a producer `linalg.generic` with all
    parallel loops inlined into its consumer), with Kiln's control: the
    producer must have one use, so no computation is duplicated, and its
    payload must not read its init operand (linalg's fusion miscompiles such
    producers; Kiln's in-place activations are written that way). Operands
    and results that fusion leaves unused are erased.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def FlattenElementwisePass : Pass<"kiln-flatten-elementwise", "mlir::func::FuncOp"> {
  let summary = "Collapse elementwise linalg.generic ops to one dimension";
  let description = [{
    A `linalg.generic` on statically shaped tensors whose loops are all
    parallel and whose operands all have identity indexing maps (no
    broadcast, no transpose, no `linalg.index`) computes the same over the
    flat element order: its iteration dimensions collapse into one
    (`tensor.collapse_shape` on the operands, `tensor.expand_shape` on the
    results). LLVM then vectorizes one loop over the whole tensor instead of
    each innermost row with its scalar remainder. Other generics (reductions,
    broadcasts, the convolutions' loops), and those whose result is padded or
    inserted into a larger tensor (bufferization writes them in place into
    its interior, a strided view), are left alone.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect"];
}

def DistinctResultsPass : Pass<"kiln-distinct-results", "mlir::func::FuncOp"> {
  let summary = "Give every function result its own tensor";
  let description = [{
    When a function returns one tensor value in several result positions
    (a model returning `(y, y)`, or two outputs CSE merged), every repeat is
    replaced by a `linalg.copy` into a fresh tensor. Each output then has its
    own buffer after bufferization, which `buffer-results-to-out-params`
    needs (it turns every returned allocation into one out parameter).
    Results that are distinct are left alone, whatever they are (computed
    values, function arguments, constants).
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect"];
}

def LowerStridedCopiesPass : Pass<"kiln-lower-strided-copies"> {
  let summary = "Turn memref.copy between non-contiguous buffers into linalg.copy";
  let description = [{
    The LLVM lowering of memref.copy calls the `memrefCopy` function of MLIR's
    runtime library whenever a side is not contiguous. Generated code links
    against nothing but the Kiln runtime stub, so such copies become
    linalg.copy, which later passes turn into loops. Copies between contiguous
    buffers stay memref.copy: they lower to llvm.memcpy.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def FlattenConstantGlobalsPass : Pass<"kiln-flatten-constant-globals", "::mlir::ModuleOp"> {
  let summary = "Give multi-dimensional constant memref.globals a one-dimensional type";
  let description = [{
    finalize-memref-to-llvm gives a memref.global of rank r an LLVM type of r
    nested arrays, and the translation to LLVM IR then makes one constant
    array object per innermost row: for a grouped 3x3 convolution weight,
    an LLVM object (and a uniquing-table entry) per three floats. That made a
    2.6 GB model (regnet_y_128gf) take 71 s and 12 GB in the translation.
    This pass retypes each constant global of static shape, identity layout
    and rank >= 2 whose value is dense or dense_resource to memref<N x T>,
    reusing the same data (a dense_resource keeps its blob), and reads it
    through memref.get_global + memref.expand_shape, which the LLVM lowering
    folds into the descriptor. Mutable globals, rank 0 and 1, dynamic or
    strided types and other initial values are left alone.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def ApproximateMathPass : Pass<"kiln-approximate-math"> {
  let summary = "Replace transcendental math ops with polynomial approximations";
  let description = [{
    Generated code links no libm, but LLVM lowers `math.exp`, `math.log`,
    `math.tanh`, `math.erf`, ... to calls of `expf`, `logf`, .... This pass
    rewrites them with MLIR's polynomial approximations (f16 and bf16 through
    f32), which need only arithmetic. Ops that become instructions (`sqrt`,
    `absf`, `fma`, rounding) stay. A transcendental op left without an
    approximation is an error at its location, since the object would need libm.

    With `expand-rounding`, for targets without rounding instructions (LLVM
    would call `floorf`, `ceilf`, `truncf` there), `math.floor`, `math.ceil`
    and `math.trunc` on f32, f16 and bf16 become a conversion to i32 and back,
    kept only where |x| < 2^(significand bits), since larger values, infinities
    and NaN are already integral; the sign of zero is kept.
  }];
  let options = [
    Option<"expandRounding", "expand-rounding", "bool", "false",
           "Expand floor/ceil/trunc into integer conversions (targets without rounding instructions)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect"];
}

//===----------------------------------------------------------------------===//
// passes/memory
//===----------------------------------------------------------------------===//

def PlanArenaPass : Pass<"kiln-plan-arena", "mlir::ModuleOp"> {
  let summary = "Give every temporary buffer a fixed offset in the arena (or memory banks)";
  let description = [{
    Runs after bufferization and buffer-results-to-out-params. The schedule is
    the function's top-level ops that touch memory; a buffer (`memref.alloc`)
    is live from the first to the last op using it or a view of it (views
    alias their buffer). An elementwise `linalg.generic` whose output buffer
    starts there and whose same-typed input buffer dies there writes in
    place. Several placement algorithms run (passes/memory/ArenaPlanner.h);
    the smallest plan is kept.

    Each memory bank becomes a trailing `memref<N x i8>` argument (attribute
    `kiln.arena` = the bank's index), every allocation a `memref.view` into
    it, and `memref.dealloc`s are erased. With `io-in-arena`, the inputs and
    outputs are placed in the arena too and their arguments are no longer
    used. The function records `kiln.arena_size` (all banks, each aligned),
    `kiln.arena_align` and the plan (`kiln.memory_plan`: lower bound, banks,
    every buffer's bank, offset, size and live ops, the op schedule).

    A dynamically sized allocation, or a model the banks cannot hold (the
    error says by how many bytes), is an error: generated code never
    allocates.
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"16",
           "Byte alignment of the arena and of every buffer in it (a power of two)">,
    ListOption<"banks", "banks", "std::string",
               "Memory banks NAME:SIZE[:ALIGN], fastest first (default: one unbounded arena)">,
    Option<"inPlace", "in-place", "bool", /*default=*/"true",
           "Let elementwise ops write over an input buffer that dies there">,
    Option<"ioInArena", "io-in-arena", "bool", /*default=*/"false",
           "Place the inputs and outputs in the arena too">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect"];
}

#endif // KILN_PASSES_TD
