//===- SelectMicroKernels.cpp - the kiln-select-micro-kernels pass --------===//
//
// float32 conv2d (groups = 1 or depthwise) and linear ops, and their int8
// forms kiln.qconv2d and kiln.qlinear, with constant weights, and int8
// table lookups and max pooling become kiln.micro_kernel ops; their weights
// are packed here into the layouts of targets/kernels/kiln_kernels.h. See
// Passes.td.
//
//===----------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"
#include "passes/graph/ConstantData.h"
#include "targets/kernels/kiln_kernels.h"

#include "mlir/IR/PatternMatch.h"

#include <cstring>

using namespace mlir;

namespace kiln {

#define GEN_PASS_DEF_SELECTMICROKERNELSPASS
#include "passes/Passes.h.inc"

namespace {

/// The kernels' epilogue codes (kiln_kernels.h); std::nullopt for an
/// activation the epilogue does not compute.
std::optional<int64_t> activationCode(std::optional<StringRef> activation) {
  if (!activation)
    return KILN_UK_ACT_NONE;
  if (*activation == "relu")
    return KILN_UK_ACT_RELU;
  if (*activation == "relu6")
    return KILN_UK_ACT_RELU6;
  if (*activation == "hardswish")
    return KILN_UK_ACT_HARDSWISH;
  return std::nullopt;
}

/// The element type of constants of `T` (float32, int8, int32).
template <typename T> Type elementTypeOf(MLIRContext *ctx) {
  if constexpr (std::is_same_v<T, float>)
    return Float32Type::get(ctx);
  else
    return IntegerType::get(ctx, 8 * sizeof(T));
}

/// The elements of a constant of `T` (or zeros when `v` is null), padded
/// with zeros to `size` elements; std::nullopt for another element type or
/// count.
template <typename T>
std::optional<std::vector<T>> readValues(Value v, int64_t expected, int64_t size) {
  std::vector<T> out(size, T(0));
  if (!v)
    return out;
  std::optional<ConstantData> data = readConstant(v);
  if (!data || data->type.getElementType() != elementTypeOf<T>(v.getContext()) ||
      data->numElements() != expected)
    return std::nullopt;
  std::memcpy(out.data(), data->bytes.data(), expected * sizeof(T));
  return out;
}

/// A 1-D constant of `values` (a std::vector or ArrayRef; a blob named after
/// `hint`).
template <typename Range>
Value rawConstant(OpBuilder &b, Location loc, const Range &values, StringRef hint) {
  using T = std::decay_t<decltype(values[0])>;
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    elementTypeOf<T>(b.getContext()));
  ArrayRef<char> bytes(reinterpret_cast<const char *>(values.data()), values.size() * sizeof(T));
  return makeRawConstant(b, loc, type, bytes, hint);
}

bool allF32(Operation *op) {
  for (Type t : op->getOperandTypes())
    if (!cast<ShapedType>(t).getElementType().isF32())
      return false;
  return cast<ShapedType>(op->getResult(0).getType()).getElementType().isF32();
}

int64_t roundUp(int64_t x, int64_t m) { return (x + m - 1) / m * m; }

/// float32 throughout, and a fused activation the epilogue computes or that
/// can follow the kernel as a kiln op.
bool selectable(Operation *op, std::optional<StringRef> activation) {
  return allF32(op) && (activationCode(activation) || *activation == "sigmoid");
}

/// The kernels take their sizes as C ints.
bool fitInt32(ArrayRef<int64_t> params) {
  return llvm::all_of(params, [](int64_t p) { return p >= 0 && p <= INT32_MAX; });
}

/// Replaces `op` by the micro-kernel and, for an activation the kernel's
/// epilogue does not compute, the activation as a kiln op after it.
void replaceWithKernel(RewriterBase &rewriter, Operation *op, StringRef kernel, ValueRange inputs,
                       ArrayRef<int64_t> params, std::optional<StringRef> activation) {
  Location loc = op->getLoc();
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(), type.getElementType());
  Value result =
      MicroKernelOp::create(rewriter, loc, TypeRange{type}, inputs, ValueRange{init},
                            rewriter.getStringAttr(kernel), rewriter.getDenseI64ArrayAttr(params))
          .getResult(0);
  if (!activationCode(activation)) {
    if (*activation == "sigmoid")
      result = SigmoidOp::create(rewriter, loc, type, result);
    else
      llvm_unreachable("FuseActivations fuses no other activation");
  }
  rewriter.replaceOp(op, result);
}

struct SelectMicroKernelsPass : impl::SelectMicroKernelsPassBase<SelectMicroKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (mr <= 0 && qmr <= 0)
      return;
    if ((mr > 0 && (nr <= 0 || kc <= 0)) || (qmr > 0 && qnr <= 0) || (qoff != 0 && qoff != 128)) {
      getOperation().emitError("kiln-select-micro-kernels: nr, kc and qnr must be positive and "
                               "qoff 0 or 128");
      return signalPassFailure();
    }
    IRRewriter rewriter(&getContext());
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if ((mr > 0 && isa<Conv2dOp, LinearOp>(op)) ||
          (qmr > 0 && isa<QConv2dOp, QLinearOp, LookupOp>(op)) ||
          (qmr > 0 && isa<MaxPool2dOp>(op) &&
           cast<MaxPool2dOp>(op).getType().getElementType().isInteger(8)))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      rewriter.setInsertionPoint(op);
      if (auto conv = dyn_cast<Conv2dOp>(op))
        selectConv(rewriter, conv);
      else if (auto linear = dyn_cast<LinearOp>(op))
        selectLinear(rewriter, linear);
      else if (auto qconv = dyn_cast<QConv2dOp>(op))
        selectQConv(rewriter, qconv);
      else if (auto lookup = dyn_cast<LookupOp>(op))
        selectLookup(rewriter, lookup);
      else if (auto pool = dyn_cast<MaxPool2dOp>(op))
        selectQMaxPool(rewriter, pool);
      else
        selectQLinear(rewriter, cast<QLinearOp>(op));
    }
  }

  //===--------------------------------------------------------------------===//
  // int8
  //===--------------------------------------------------------------------===//

  /// The int8 kernels' requantization parameters (multipliers, shifts,
  /// remainders: zeros where the op has none), padded to `size`; nullopt for
  /// a shift the kernels do not take (31: a multiplier of 2^0 or more).
  struct RequantParams {
    std::vector<int32_t> multiplier, shift, remainder;
  };
  static std::optional<RequantParams> requantParams(ArrayRef<int32_t> multiplier,
                                                    ArrayRef<int32_t> shift,
                                                    std::optional<ArrayRef<int32_t>> remainder,
                                                    int64_t size) {
    if (llvm::any_of(shift, [](int32_t s) { return s > 30; }))
      return std::nullopt;
    RequantParams p{{multiplier.begin(), multiplier.end()}, {shift.begin(), shift.end()}, {}};
    if (remainder)
      p.remainder.assign(remainder->begin(), remainder->end());
    p.multiplier.resize(size, 0);
    p.shift.resize(size, 0);
    p.remainder.resize(size, 0);
    return p;
  }

  /// bias[f] - (zx + qoff) * sum_k w[f][k], padded to `size` (kiln_kernels.h).
  std::vector<int32_t> foldedBias(ArrayRef<int32_t> bias, ArrayRef<int8_t> weight, int64_t rows,
                                  int64_t k, int64_t inputZeroPoint, int64_t size) {
    std::vector<int32_t> out(size, 0);
    for (int64_t f = 0; f < rows; ++f) {
      int64_t sum = 0;
      for (int64_t j = 0; j < k; ++j)
        sum += weight[f * k + j];
      out[f] = static_cast<int32_t>(bias[f] - (inputZeroPoint + qoff) * sum);
    }
    return out;
  }

  /// weight[rows][k] as [ceil(rows/block)][K4][block] words of four k
  /// (K4 = ceil(k/4)), zeros for the padding: the int8 kernels' layout.
  static std::vector<int8_t> packWords(ArrayRef<int8_t> weight, int64_t rows, int64_t k,
                                       int64_t block) {
    int64_t k4 = (k + 3) / 4, padded = roundUp(rows, block);
    std::vector<int8_t> packed(padded * k4 * 4, 0);
    for (int64_t f = 0; f < rows; ++f)
      for (int64_t j = 0; j < k; ++j)
        packed[((f / block) * k4 * block + (j / 4) * block + f % block) * 4 + j % 4] =
            weight[f * k + j];
    return packed;
  }

  /// (input zero point, output zero point, output_min, output_max): the
  /// last params of every int8 kernel (qlinear's zx is in its bias).
  template <typename OpTy> static SmallVector<int64_t, 4> requantTail(OpTy op) {
    return {static_cast<int64_t>(op.getInputZeroPoint()),
            static_cast<int64_t>(op.getOutputZeroPoint()), static_cast<int64_t>(op.getOutputMin()),
            static_cast<int64_t>(op.getOutputMax())};
  }

  /// Replaces `op` by the int8 kernel `kernel` over (input, weights, bias,
  /// multipliers, shifts, remainders).
  static void replaceWithInt8Kernel(RewriterBase &rewriter, Operation *op, StringRef kernel,
                                    Value input, ArrayRef<int8_t> weight, ArrayRef<int32_t> bias,
                                    const RequantParams &rq, ArrayRef<int64_t> params) {
    Location loc = op->getLoc();
    Value w = rawConstant(rewriter, loc, weight,
                          kernel == "qdwconv2d" ? "qdwconv_weight" : "qweight_packed");
    Value b = rawConstant(rewriter, loc, bias, "qbias");
    Value m = rawConstant(rewriter, loc, ArrayRef<int32_t>(rq.multiplier), "qmultiplier");
    Value s = rawConstant(rewriter, loc, ArrayRef<int32_t>(rq.shift), "qshift");
    Value r = rawConstant(rewriter, loc, ArrayRef<int32_t>(rq.remainder), "qremainder");
    replaceWithKernel(rewriter, op, kernel, {input, w, b, m, s, r}, params, std::nullopt);
  }

  void selectQConv(RewriterBase &rewriter, QConv2dOp op) {
    ArrayRef<int64_t> in = cast<RankedTensorType>(op.getInput().getType()).getShape();
    ArrayRef<int64_t> w = cast<RankedTensorType>(op.getWeight().getType()).getShape();
    ArrayRef<int64_t> out = cast<RankedTensorType>(op.getType()).getShape();
    ArrayRef<int64_t> stride = op.getStride(), pad = op.getPadding(), dil = op.getDilation();
    int64_t f = w[0], c = in[1], kh = w[2], kw = w[3], k = w[1] * kh * kw;
    auto groups = static_cast<int64_t>(op.getGroups());
    bool depthwise = groups == c && f == c && w[1] == 1 && groups > 1;
    bool pointwise = groups == 1 && kh == 1 && kw == 1 && in[2] == 1 && in[3] == 1 && out[2] == 1 &&
                     out[3] == 1 && llvm::all_of(pad, [](int64_t p) { return p == 0; });
    if (groups != 1 && !depthwise)
      return;
    // k in channel fours (kiln_kernels.h: qfours, C padded to a multiple of 4
    // where that adds at most a third).
    bool fours = qfours && !depthwise && 3 * roundUp(c, 4) <= 4 * c;
    SmallVector<int64_t, 4> tail = requantTail(op);
    SmallVector<int64_t> params{in[0], c, in[2], in[3]};
    if (!depthwise)
      params.push_back(f);
    params.append({kh, kw, stride[0], stride[1], pad[0], pad[1], dil[0], dil[1], out[2], out[3]});
    if (!fitInt32(params) ||
        !fitInt32({roundUp(f, qmr) * roundUp(c, 4) * kh * kw, in[0] * c * in[2] * in[3]}) ||
        llvm::is_contained(out, 0))
      return;
    std::optional<std::vector<int8_t>> weight = readValues<int8_t>(op.getWeight(), f * k, f * k);
    std::optional<std::vector<int32_t>> bias = readValues<int32_t>(op.getBias(), f, f);
    if (!weight || !bias)
      return;
    if (pointwise) {
      // [N, C, 1, 1] -> [N, F, 1, 1] is a linear layer over [N, C].
      replaceWithQLinear(rewriter, op, op.getInput(), *weight, *bias, op.getMultiplier(),
                         op.getShift(), op.getRemainder(), in[0], c, f, tail);
      return;
    }
    // Depthwise weights and bias stay as they are; qconv2d's are packed and
    // padded to qmr filters.
    int64_t fp = depthwise ? f : roundUp(f, qmr);
    auto rq = requantParams(op.getMultiplier(), op.getShift(), op.getRemainder(), fp);
    if (!rq)
      return;
    params.append(tail.begin(), tail.end());
    if (depthwise)
      replaceWithInt8Kernel(rewriter, op, "qdwconv2d", op.getInput(), *weight, *bias, *rq, params);
    else
      replaceWithInt8Kernel(
          rewriter, op, "qconv2d", op.getInput(),
          fours ? packWords(inChannelFours(*weight, f, c, kh * kw), f, roundUp(c, 4) * kh * kw, qmr)
                : packWords(*weight, f, k, qmr),
          foldedBias(*bias, *weight, f, k, tail[0], fp), *rq, params);
  }

  /// Conv weights [f][c][taps] with k in channel fours (kiln_kernels.h):
  /// [f][c4/4][taps][4], c4 = roundUp(c, 4), zeros for the channels past c.
  static std::vector<int8_t> inChannelFours(ArrayRef<int8_t> weight, int64_t f, int64_t c,
                                            int64_t taps) {
    int64_t c4 = roundUp(c, 4);
    std::vector<int8_t> out(f * c4 * taps, 0);
    for (int64_t o = 0; o < f; ++o)
      for (int64_t ci = 0; ci < c; ++ci)
        for (int64_t t = 0; t < taps; ++t)
          out[((o * c4 + ci / 4 * 4) * taps + t * 4) + ci % 4] = weight[(o * c + ci) * taps + t];
    return out;
  }

  /// kiln.lookup as the lookup kernel over all its elements.
  static void selectLookup(RewriterBase &rewriter, LookupOp op) {
    int64_t n = cast<RankedTensorType>(op.getType()).getNumElements();
    if (n == 0 || !fitInt32({n}))
      return;
    replaceWithKernel(rewriter, op, "lookup", {op.getInput(), op.getTable()}, {n}, std::nullopt);
  }

  /// int8 kiln.max_pool2d, undilated, as the qmaxpool2d kernel.
  static void selectQMaxPool(RewriterBase &rewriter, MaxPool2dOp op) {
    ArrayRef<int64_t> in = op.getInput().getType().getShape();
    ArrayRef<int64_t> out = op.getType().getShape();
    ArrayRef<int64_t> k = op.getKernel(), s = op.getStride(), pad = op.getPadding();
    if (llvm::any_of(op.getDilation(), [](int64_t d) { return d != 1; }))
      return;
    SmallVector<int64_t> params = {in[0] * in[1], in[2],  in[3],  k[0],   k[1],  s[0],
                                   s[1],          pad[0], pad[1], out[2], out[3]};
    if (!fitInt32(params) || !fitInt32({in[0] * in[1] * in[2] * in[3]}))
      return;
    replaceWithKernel(rewriter, op, "qmaxpool2d", {op.getInput()}, params, std::nullopt);
  }

  void selectQLinear(RewriterBase &rewriter, QLinearOp op) {
    ArrayRef<int64_t> in = cast<RankedTensorType>(op.getInput().getType()).getShape();
    ArrayRef<int64_t> w = cast<RankedTensorType>(op.getWeight().getType()).getShape();
    int64_t n = w[0], k = w[1], m = 1;
    for (int64_t d : in.drop_back())
      m *= d;
    std::optional<std::vector<int8_t>> weight = readValues<int8_t>(op.getWeight(), n * k, n * k);
    std::optional<std::vector<int32_t>> bias = readValues<int32_t>(op.getBias(), n, n);
    if (!weight || !bias)
      return;
    replaceWithQLinear(rewriter, op, op.getInput(), *weight, *bias, op.getMultiplier(),
                       op.getShift(), op.getRemainder(), m, k, n, requantTail(op));
  }

  /// `op` as the qlinear kernel: y[m][n] from x[m][k] and weight[n][k];
  /// `tail` is (zx, zy, lo, hi).
  void replaceWithQLinear(RewriterBase &rewriter, Operation *op, Value input,
                          ArrayRef<int8_t> weight, ArrayRef<int32_t> bias,
                          ArrayRef<int32_t> multiplier, ArrayRef<int32_t> shift,
                          std::optional<ArrayRef<int32_t>> remainder, int64_t m, int64_t k,
                          int64_t n, ArrayRef<int64_t> tail) {
    int64_t np = roundUp(n, qnr);
    if (m == 0 || n == 0 || k == 0 || !fitInt32({m, n, k, m * k, np * roundUp(k, 4), m * n}))
      return;
    auto rq = requantParams(multiplier, shift, remainder, np);
    if (!rq)
      return;
    replaceWithInt8Kernel(rewriter, op, "qlinear", input, packWords(weight, n, k, qnr),
                          foldedBias(bias, weight, n, k, tail[0], np), *rq,
                          {m, k, n, tail[1], tail[2], tail[3]});
  }

  void selectConv(RewriterBase &rewriter, Conv2dOp op) {
    std::optional<StringRef> activation = op.getActivation();
    if (!selectable(op, activation))
      return;
    std::optional<int64_t> act = activationCode(activation);
    ArrayRef<int64_t> in = cast<RankedTensorType>(op.getInput().getType()).getShape();
    ArrayRef<int64_t> w = op.getWeight().getType().getShape();
    ArrayRef<int64_t> out = cast<RankedTensorType>(op.getType()).getShape();
    ArrayRef<int64_t> stride = op.getStride(), pad = op.getPadding(), dil = op.getDilation();
    int64_t f = w[0], c = in[1], kh = w[2], kw = w[3], k = w[1] * kh * kw;
    Location loc = op.getLoc();
    int64_t groups = static_cast<int64_t>(op.getGroups());
    bool depthwise = groups == c && f == c && w[1] == 1 && groups > 1;
    // A 1x1 convolution of a 1x1 image (squeeze-and-excitation) is a linear
    // layer: [N, C, 1, 1] and [N, F, 1, 1] are [N, C] and [N, F] in memory.
    bool pointwise = groups == 1 && kh == 1 && kw == 1 && in[2] == 1 && in[3] == 1 && out[2] == 1 &&
                     out[3] == 1 && llvm::all_of(pad, [](int64_t p) { return p == 0; });
    if (groups != 1 && !depthwise)
      return;
    SmallVector<int64_t> params{in[0], c, in[2], in[3]};
    if (!depthwise)
      params.push_back(f);
    params.append({kh, kw, stride[0], stride[1], pad[0], pad[1], dil[0], dil[1], out[2], out[3],
                   act.value_or(KILN_UK_ACT_NONE)});
    if (!fitInt32(params) || !fitInt32({f * k, in[0] * c * in[2] * in[3]}) ||
        llvm::is_contained(out, 0))
      return;
    std::optional<std::vector<float>> weight = readValues<float>(op.getWeight(), f * k, f * k);
    if (!weight)
      return;
    if (pointwise) {
      replaceWithLinear(rewriter, op, *weight, op.getBias(), in[0], c, f, activation);
      return;
    }
    int64_t fp = depthwise ? f : roundUp(f, mr);
    std::optional<std::vector<float>> bias = readValues<float>(op.getBias(), f, fp);
    if (!bias)
      return;
    Value packedWeight;
    if (depthwise) {
      packedWeight = rawConstant(rewriter, loc, *weight, "dwconv_weight");
    } else {
      // [ceil(K/kc)][ceil(F/mr)][kc'][mr] (kc' = kc but in the last K
      // block): the mr filters of a block interleaved per k, one K block of
      // every filter after another.
      std::vector<float> packed(fp * k, 0.0f);
      for (int64_t j = 0; j < k; ++j) {
        int64_t depthMax = kc, k0 = j / depthMax * depthMax, depth = std::min(depthMax, k - k0);
        for (int64_t i = 0; i < f; ++i)
          packed[k0 * fp + (i / mr) * mr * depth + (j - k0) * mr + i % mr] = (*weight)[i * k + j];
      }
      packedWeight = rawConstant(rewriter, loc, packed, "conv_weight_packed");
    }
    Value biasValue = rawConstant(rewriter, loc, *bias, "conv_bias");
    // relu(conv(x) + r) or conv(x) + r, the end of a residual block: the add
    // (and the relu) run in the epilogue, the sum never goes to memory twice.
    if (!depthwise && !activation) {
      if (auto residual = residualOf(op)) {
        auto [add, other, relu] = *residual;
        params.back() = relu ? KILN_UK_ACT_RELU : KILN_UK_ACT_NONE;
        Operation *root = relu ? relu : add;
        rewriter.setInsertionPoint(root);
        replaceWithKernel(rewriter, root, "conv2d_residual",
                          {op.getInput(), packedWeight, biasValue, other}, params, std::nullopt);
        if (relu)
          rewriter.eraseOp(add);
        rewriter.eraseOp(op);
        return;
      }
    }
    replaceWithKernel(rewriter, op, depthwise ? "dwconv2d" : "conv2d",
                      {op.getInput(), packedWeight, biasValue}, params, activation);
  }

  /// The add that takes `conv`'s only use, its other operand (same type), and
  /// the relu that takes the add's only use, if any.
  static std::optional<std::tuple<Operation *, Value, Operation *>> residualOf(Conv2dOp conv) {
    if (!conv->hasOneUse())
      return std::nullopt;
    auto add = dyn_cast<AddOp>(*conv->user_begin());
    if (!add || add.getType() != conv.getType())
      return std::nullopt;
    Value other = add.getLhs() == conv.getResult() ? add.getRhs() : add.getLhs();
    if (other == conv.getResult() || other.getType() != conv.getType())
      return std::nullopt;
    Operation *relu = nullptr;
    if (add->hasOneUse() && isa<ReluOp>(*add->user_begin()))
      relu = *add->user_begin();
    return std::make_tuple(add.getOperation(), other, relu);
  }

  void selectLinear(RewriterBase &rewriter, LinearOp op) {
    std::optional<StringRef> activation = op.getActivation();
    if (!selectable(op, activation))
      return;
    ArrayRef<int64_t> in = cast<RankedTensorType>(op.getInput().getType()).getShape();
    ArrayRef<int64_t> w = op.getWeight().getType().getShape();
    int64_t n = w[0], k = w[1], m = 1;
    for (int64_t d : in.drop_back())
      m *= d;
    if (m == 0 || n == 0 || k == 0 || !fitInt32({m, n, k, m * k, n * k, m * n}))
      return;
    std::optional<std::vector<float>> weight = readValues<float>(op.getWeight(), n * k, n * k);
    if (!weight)
      return;
    replaceWithLinear(rewriter, op, *weight, op.getBias(), m, k, n, activation);
  }

  /// `op` as the linear kernel: y[m][n] = x[m][k] . weight[n][k] + bias[n].
  void replaceWithLinear(RewriterBase &rewriter, Operation *op, ArrayRef<float> weight,
                         Value biasInput, int64_t m, int64_t k, int64_t n,
                         std::optional<StringRef> activation) {
    std::optional<int64_t> act = activationCode(activation);
    int64_t np = roundUp(n, nr);
    std::optional<std::vector<float>> bias = readValues<float>(biasInput, n, np);
    if (!bias)
      return;
    // [ceil(N/nr)][K][nr]: weightᵀ in column panels of nr outputs.
    std::vector<float> packed(np * k, 0.0f);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < k; ++j)
        packed[(i / nr) * k * nr + j * nr + i % nr] = weight[i * k + j];
    Location loc = op->getLoc();
    Value packedWeight = rawConstant(rewriter, loc, packed, "linear_weight_packed");
    Value biasValue = rawConstant(rewriter, loc, *bias, "linear_bias");
    replaceWithKernel(rewriter, op, "linear", {op->getOperand(0), packedWeight, biasValue},
                      {m, k, n, act.value_or(KILN_UK_ACT_NONE)}, activation);
  }
};

} // namespace
} // namespace kiln
