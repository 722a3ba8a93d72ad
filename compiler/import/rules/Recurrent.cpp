//===- Recurrent.cpp - import rules: LSTM and GRU layers ------------------===//
//
// aten.lstm.input and aten.gru.input unrolled over the (static) sequence.
//
//===----------------------------------------------------------------------===//
#include "compiler/import/rules/Rules.h"
#include "dialects/kiln/KilnOps.h"

using namespace mlir;

namespace kiln {
namespace {

using namespace rules;

/// aten.lstm.input / aten.gru.input as the per-time-step computation PyTorch
/// performs:
///   LSTM: gates = x W_ih^T + b_ih + h W_hh^T + b_hh = [i f g o];
///         c = sigmoid(f) c + sigmoid(i) tanh(g); h = sigmoid(o) tanh(c)
///   GRU:  [r_i z_i n_i] = x W_ih^T + b_ih, [r_h z_h n_h] = h W_hh^T + b_hh;
///         r = sigmoid(r_i + r_h), z = sigmoid(z_i + z_h),
///         n = tanh(n_i + r n_h), h = (1 - z) n + z h
/// for every layer and direction; outputs (output, h_n[, c_n]).
template <bool isLstm> LogicalResult importRecurrent(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  if (n.boolean("train") && *n.number("dropout") != 0)
    return n.emitError() << "recurrent dropout in training mode is random; export in eval()";
  Value input = n.tensor("input");
  RankedTensorType inType = typeOf(input);
  Type et = inType.getElementType();
  if (inType.getRank() != 3)
    return n.emitError() << "unbatched recurrent input " << inType << " is not supported yet";
  bool batchFirst = n.boolean("batch_first"), bidirectional = n.boolean("bidirectional");
  bool hasBiases = n.boolean("has_biases");
  int64_t layers = n.integer("num_layers"), directions = bidirectional ? 2 : 1;
  int64_t steps = inType.getDimSize(batchFirst ? 1 : 0);
  int64_t batch = inType.getDimSize(batchFirst ? 0 : 1);
  const std::vector<Value> &params = n.tensorList("params");
  size_t perCell = hasBiases ? 4 : 2;
  if (params.size() != perCell * layers * directions)
    return n.emitError() << "expected " << perCell * layers * directions << " parameters, got "
                         << params.size();
  Value h0all, c0all;
  if (isLstm) {
    const std::vector<Value> &hx = n.tensorList("hx");
    if (hx.size() != 2)
      return n.emitError() << "lstm expects hx = [h0, c0]";
    h0all = hx[0];
    c0all = hx[1];
  } else {
    h0all = n.tensor("hx");
  }
  int64_t hidden = typeOf(h0all).getDimSize(2);
  auto vec = [&](ArrayRef<int64_t> shape) { return RankedTensorType::get(shape, et); };
  // The state of (layer, direction) k: [batch, hidden].
  auto stateOf = [&](Value all, int64_t k) {
    return ReshapeOp::create(n.b, n.loc, vec({batch, hidden}), buildSlice(n, all, 0, k, k + 1, 1))
        .getResult();
  };
  auto sigmoid = [&](Value v) { return SigmoidOp::create(n.b, n.loc, v.getType(), v).getResult(); };
  auto tanh = [&](Value v) { return TanhOp::create(n.b, n.loc, v.getType(), v).getResult(); };
  auto mul = [&](Value a, Value b) { return binary<MulOp>(n, typeOf(a), a, b); };
  auto add = [&](Value a, Value b) { return binary<AddOp>(n, typeOf(a), a, b); };
  int64_t gates = isLstm ? 4 : 3;
  auto chunk = [&](Value v, int64_t k) {
    return buildSlice(n, v, 1, k * hidden, (k + 1) * hidden, 1);
  };

  // Layer inputs as a list of [batch, features] per time step.
  std::vector<Value> sequence;
  for (int64_t t = 0; t < steps; ++t) {
    Value x = buildSlice(n, input, batchFirst ? 1 : 0, t, t + 1, 1);
    sequence.push_back(ReshapeOp::create(n.b, n.loc, vec({batch, inType.getDimSize(2)}), x));
  }
  SmallVector<Value> finalH, finalC;
  for (int64_t layer = 0; layer < layers; ++layer) {
    std::vector<std::vector<Value>> outputs(directions);
    for (int64_t dir = 0; dir < directions; ++dir) {
      size_t base = (layer * directions + dir) * perCell;
      Value wIh = params[base], wHh = params[base + 1];
      Value bIh = hasBiases ? params[base + 2] : Value(),
            bHh = hasBiases ? params[base + 3] : Value();
      Value h = stateOf(h0all, layer * directions + dir);
      Value c = isLstm ? stateOf(c0all, layer * directions + dir) : Value();
      outputs[dir].resize(steps);
      for (int64_t s = 0; s < steps; ++s) {
        int64_t t = dir == 0 ? s : steps - 1 - s;
        Value x = sequence[t];
        auto gateType = vec({batch, gates * hidden});
        Value gi = LinearOp::create(n.b, n.loc, gateType, x, wIh, bIh, StringAttr());
        Value gh = LinearOp::create(n.b, n.loc, gateType, h, wHh, bHh, StringAttr());
        if (isLstm) {
          Value g = add(gi, gh);
          Value i = sigmoid(chunk(g, 0)), f = sigmoid(chunk(g, 1));
          Value cell = tanh(chunk(g, 2)), o = sigmoid(chunk(g, 3));
          c = add(mul(f, c), mul(i, cell));
          h = mul(o, tanh(c));
        } else {
          Value r = sigmoid(add(chunk(gi, 0), chunk(gh, 0)));
          Value z = sigmoid(add(chunk(gi, 1), chunk(gh, 1)));
          Value cand = tanh(add(chunk(gi, 2), mul(r, chunk(gh, 2))));
          // (1 - z) * n + z * h
          Value oneMinusZ = binary<SubOp>(n, typeOf(z), splatConstant(n, vec({}), 1.0), z);
          h = add(mul(oneMinusZ, cand), mul(z, h));
        }
        outputs[dir][t] = h;
      }
      finalH.push_back(h);
      if (isLstm)
        finalC.push_back(c);
    }
    for (int64_t t = 0; t < steps; ++t) {
      if (directions == 1) {
        sequence[t] = outputs[0][t];
        continue;
      }
      sequence[t] =
          ConcatOp::create(n.b, n.loc, vec({batch, 2 * hidden}),
                           ValueRange{outputs[0][t], outputs[1][t]}, n.b.getI64IntegerAttr(1));
    }
  }
  // output: [batch, steps, D*H] (batch_first) or [steps, batch, D*H].
  int64_t features = directions * hidden;
  SmallVector<Value> stepsOut;
  for (int64_t t = 0; t < steps; ++t)
    stepsOut.push_back(ReshapeOp::create(n.b, n.loc,
                                         vec(batchFirst ? SmallVector<int64_t>{batch, 1, features}
                                                        : SmallVector<int64_t>{1, batch, features}),
                                         sequence[t]));
  Value output = stepsOut.size() == 1 ? stepsOut[0]
                                      : ConcatOp::create(n.b, n.loc, n.resultType(0), stepsOut,
                                                         n.b.getI64IntegerAttr(batchFirst ? 1 : 0))
                                            .getResult();
  auto stack = [&](ArrayRef<Value> states) -> Value {
    SmallVector<Value> parts;
    for (Value v : states)
      parts.push_back(ReshapeOp::create(n.b, n.loc, vec({1, batch, hidden}), v));
    if (parts.size() == 1)
      return parts[0];
    return ConcatOp::create(n.b, n.loc, vec({static_cast<int64_t>(parts.size()), batch, hidden}),
                            parts, n.b.getI64IntegerAttr(0))
        .getResult();
  };
  n.results = {output, stack(finalH)};
  if (isLstm)
    n.results.push_back(stack(finalC));
  return success();
}

const ImportRule kRules[] = {
    {"aten::gru.input", importRecurrent<false>},
    {"aten::lstm.input", importRecurrent<true>},
};

} // namespace

llvm::ArrayRef<ImportRule> rules::recurrentRules() { return kRules; }

} // namespace kiln
