//===- XnnpackImport.cpp - XNNPACK delegate calls to kiln IR --------------===//
//
// An XNNPACK delegate's graph (the blob's XNNGraph, XnnpackBlob) node by node
// through the format-neutral importCall, each node as the aten operator it
// computes: NHWC convolutions and pooling as NCHW ones between permutes, a
// quantized node between the dequantizes of its inputs and the quantize of
// its result (docs/formats.md).
//
//===----------------------------------------------------------------------===//
#include "compiler/import/pte/PteWalker.h"
#include "dialects/kiln/ElementTypes.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;

namespace kiln {
namespace pte_import {

//===----------------------------------------------------------------------===//
// XNNPACK delegate calls
//===----------------------------------------------------------------------===//

namespace xnn = fb_xnnpack;

/// XNN_INVALID_VALUE_ID: no value (a convolution's or linear layer's absent
/// bias).
constexpr uint32_t kXnnNoValue = 0xffffffffu;
/// XNN_FLAG_TRANSPOSE_WEIGHTS on a fully connected node: the filter is [K, N].
constexpr uint32_t kXnnTransposeWeights = 1;

/// The tensor of an XNNPACK value, quantized or not.
const xnn::XNNTensorValue *xnnTensor(const xnn::XValue *v) {
  if (const auto *t = v->xvalue_union_as_XNNTensorValue())
    return t;
  if (const auto *q = v->xvalue_union_as_XNNQuantizedTensorValue())
    return q->tensor_value();
  return nullptr;
}

/// Whether Kiln imports an XNNPACK value: float32, or int8 / int32 quantized
/// per tensor or per channel (what ExecuTorch's partitioner writes for PT2E
/// programs); null, or why not.
const char *xnnUnsupportedValue(const xnn::XValue *v) {
  const xnn::XNNTensorValue *t = xnnTensor(v);
  if (!t)
    return "has no tensor";
  using D = xnn::XNNDatatype;
  if (v->xvalue_union_type() == xnn::XValueUnion::XNNTensorValue)
    return t->datatype() == D::xnn_datatype_fp32 ? nullptr : "is not float32 and not quantized";
  const auto *q = v->xvalue_union_as_XNNQuantizedTensorValue();
  bool perTensor = q->quant_params_type() == xnn::XNNQuantParams::PerTensorQuant;
  bool perChannel = q->quant_params_type() == xnn::XNNQuantParams::PerChannelQuant;
  switch (t->datatype()) {
  case D::xnn_datatype_qint8:
  case D::xnn_datatype_qint32:
    return perTensor ? nullptr : "is per-tensor int8/int32 with other quantization parameters";
  case D::xnn_datatype_qcint8:
  case D::xnn_datatype_qcint32:
    return perChannel && q->quant_params_as_PerChannelQuant()->scale()
               ? nullptr
               : "is per-channel int8/int32 without per-channel scales";
  default:
    return "has a quantized datatype Kiln does not import (4-bit, dynamic or blockwise "
           "quantization)";
  }
}

/// Whether Kiln imports an XNNPACK node type (importXnnpack).
bool xnnSupported(xnn::XNodeUnion type) {
  using U = xnn::XNodeUnion;
  switch (type) {
  case U::XNNAdd:
  case U::XNNSubtract:
  case U::XNNMultiply:
  case U::XNNDiv:
  case U::XNNMinimum:
  case U::XNNMaximum:
  case U::XNNFullyConnected:
  case U::XNNSoftmax:
  case U::XNNSigmoid:
  case U::XNNHardswish:
  case U::XNNClamp:
  case U::XNNStaticTranspose:
  case U::XNNStaticReshape:
  case U::XNNConv2d:
  case U::XNNDepthwiseConv2d:
  case U::XNNMaxPooling2d:
  case U::XNNAvgPooling2d:
  case U::XNNGlobalAvgPooling2d:
  case U::XNNConcatenate2:
  case U::XNNConcatenate3:
  case U::XNNConcatenate4:
  case U::XNNConcatenate5:
  case U::XNNStaticConstantPad:
  case U::XNNAbs:
  case U::XNNNegate:
  case U::XNNSquareRoot:
  case U::XNNFloor:
  case U::XNNCeiling:
  case U::XNNLeakyReLU:
  case U::XNNELU:
  case U::XNNGelu:
  case U::XNNConvert:
    return true;
  default:
    return false;
  }
}

FailureOr<XnnpackBlob> PteWalker::xnnpackBlob(const pte::BackendDelegate &delegate, Location loc) {
  auto bytes = file.delegateData(delegate);
  if (!bytes)
    return emitError(loc) << withoutFileName(bytes.takeError());
  auto blob = XnnpackBlob::parse(*bytes, file);
  if (!blob)
    return emitError(loc) << withoutFileName(blob.takeError());
  const xnn::XNNGraph &graph = blob->graph();
  uint32_t values = graph.xvalues() ? graph.xvalues()->size() : 0;
  if (graph.xnodes())
    for (size_t k = 0; k < graph.xnodes()->size(); ++k) {
      const xnn::XNode *node = graph.xnodes()->Get(k);
      if (!xnnSupported(node->xnode_union_type()))
        return emitError(loc) << "XNNPACK node " << k << " is "
                              << xnn::EnumNameXNodeUnion(node->xnode_union_type())
                              << ", which Kiln does not import yet";
    }
  if (graph.xvalues())
    for (uint32_t id = 0; id < values; ++id) {
      const xnn::XValue *v = graph.xvalues()->Get(id);
      if (const char *why = xnnUnsupportedValue(v))
        return emitError(loc) << "XNNPACK value " << id << " " << why;
    }
  return std::move(*blob);
}

FailureOr<RankedTensorType> PteWalker::xnnType(const xnn::XNNGraph &graph, uint32_t id,
                                               Location loc) {
  if (!graph.xvalues() || id >= graph.xvalues()->size())
    return emitError(loc) << "refers to XNNPACK value " << id << ", outside the graph's "
                          << (graph.xvalues() ? graph.xvalues()->size() : 0) << " values";
  const xnn::XNNTensorValue *t = xnnTensor(graph.xvalues()->Get(id));
  SmallVector<int64_t> shape;
  uint64_t elements = 1;
  if (t->dims())
    for (uint32_t d : *t->dims()) {
      elements *= d;
      if (elements > (uint64_t(1) << 40))
        return emitError(loc) << "XNNPACK value " << id << " has more than 2^40 elements";
      shape.push_back(d);
    }
  if (t->num_dims() != shape.size())
    return emitError(loc) << "XNNPACK value " << id << " says " << t->num_dims()
                          << " dimensions but lists " << shape.size();
  using D = xnn::XNNDatatype;
  Type element =
      t->datatype() == D::xnn_datatype_qint8 || t->datatype() == D::xnn_datatype_qcint8
          ? b.getIntegerType(8)
      : t->datatype() == D::xnn_datatype_qint32 || t->datatype() == D::xnn_datatype_qcint32
          ? b.getIntegerType(32)
          : Type(b.getF32Type());
  return RankedTensorType::get(shape, element);
}

LogicalResult PteWalker::callOp(Location loc, const char *ns, const char *name,
                                const char *overload, std::vector<GivenArgument> args,
                                std::vector<std::string> outputs) {
  OperatorCall call;
  call.target = {ns, name, overload};
  call.node = "xnnpack";
  call.arguments = std::move(args);
  for (std::string &out : outputs)
    call.outputs.push_back(OpArgument::ofTensor(std::move(out)));
  return importCall(b, loc, call, *this);
}

/// The quantized tensor of value `id`; null for a float one.
const xnn::XNNQuantizedTensorValue *xnnQuant(const xnn::XNNGraph &graph, uint32_t id) {
  return graph.xvalues()->Get(id)->xvalue_union_as_XNNQuantizedTensorValue();
}

/// int8 as torch.export's ScalarType code (the rules' numbering).
OpArgument int8Dtype() {
  OpArgument a;
  a.kind = OpArgument::Kind::ScalarType;
  a.i = static_cast<int64_t>(ScalarType::Char);
  return a;
}

std::string PteWalker::floatName(const xnn::XNNGraph &graph, size_t i, uint32_t id) {
  return xnnQuant(graph, id) ? xnnName(i, id) + "f" : xnnName(i, id);
}

RankedTensorType PteWalker::floatType(const xnn::XNNGraph &graph, size_t i, uint32_t id) {
  return RankedTensorType::get(types[xnnName(i, id)].getShape(), b.getF32Type());
}

std::string PteWalker::hostConstant(RankedTensorType type, llvm::StringRef bytes,
                                    const std::string &name) {
  types[name] = type;
  values[name] = constants.create(b, fileLoc(), type, bytes, name);
  return name;
}

LogicalResult PteWalker::defineFloatView(const xnn::XNNGraph &graph, const XnnpackBlob &blob,
                                         size_t i, uint32_t id, Location loc) {
  const xnn::XNNQuantizedTensorValue *q = xnnQuant(graph, id);
  if (!q)
    return success();
  using D = xnn::XNNDatatype;
  D datatype = q->tensor_value()->datatype();
  std::string view = floatName(graph, i, id);
  RankedTensorType type = floatType(graph, i, id);
  types[view] = type;
  if (datatype == D::xnn_datatype_qint8) {
    const xnn::PerTensorQuant *p = q->quant_params_as_PerTensorQuant();
    return callOp(loc, "quantized_decomposed", "dequantize_per_tensor", "default",
                  {{"input", OpArgument::ofTensor(xnnName(i, id))},
                   {"scale", OpArgument::ofFloat(p->scale())},
                   {"zero_point", OpArgument::ofInt(p->zero_point())},
                   {"quant_min", OpArgument::ofInt(-128)},
                   {"quant_max", OpArgument::ofInt(127)},
                   {"dtype", int8Dtype()}},
                  {view});
  }
  if (datatype == D::xnn_datatype_qint32 || datatype == D::xnn_datatype_qcint32) {
    // A bias: its real values, computed here (the quantization passes
    // requantize a float32 bias with the product of the scales).
    const xnn::XNNTensorValue *t = q->tensor_value();
    if (t->constant_buffer_idx() == 0)
      return emitError(loc) << "XNNPACK value " << id
                            << " is an int32 tensor that is not a "
                               "constant (a bias)";
    int64_t n = type.getNumElements();
    auto data = blob.constant(t->constant_buffer_idx(), static_cast<uint64_t>(n) * 4);
    if (!data)
      return emitError(loc) << withoutFileName(data.takeError());
    std::vector<float> reals(n);
    for (int64_t k = 0; k < n; ++k) {
      int32_t v;
      std::memcpy(&v, data->data() + 4 * k, 4);
      double scale = 0;
      if (const xnn::PerTensorQuant *tensor = q->quant_params_as_PerTensorQuant()) {
        scale = tensor->scale();
      } else {
        const xnn::PerChannelQuant *channel = q->quant_params_as_PerChannelQuant();
        if (type.getRank() != 1 || channel->scale()->size() != static_cast<uint32_t>(n))
          return emitError(loc) << "XNNPACK value " << id << " is an int32 bias of " << type
                                << " with " << channel->scale()->size() << " scales";
        scale = channel->scale()->Get(k);
      }
      reals[k] = static_cast<float>(v * scale);
    }
    values.erase(view);
    hostConstant(type, llvm::StringRef(reinterpret_cast<const char *>(reals.data()), 4 * n), view);
    return success();
  }
  return success(); // qcint8 weights: weightView
}

FailureOr<std::string> PteWalker::weightView(const xnn::XNNGraph &graph, size_t i, uint32_t id,
                                             std::vector<int64_t> perm, Location loc) {
  // permute(x, perm) into a fresh temporary.
  auto permuteTo = [&](const std::string &x, RankedTensorType type) -> FailureOr<std::string> {
    bool identity = true;
    for (size_t k = 0; k < perm.size(); ++k)
      identity &= perm[k] == static_cast<int64_t>(k);
    if (identity)
      return x;
    SmallVector<int64_t> shape;
    for (int64_t p : perm)
      shape.push_back(type.getShape()[p]);
    std::string out = temporary(RankedTensorType::get(shape, type.getElementType()));
    if (failed(callOp(loc, "aten", "permute", "default",
                      {{"self", OpArgument::ofTensor(x)}, {"dims", OpArgument::ofInts(perm)}},
                      {out})))
      return failure();
    return out;
  };
  const xnn::XNNQuantizedTensorValue *q = xnnQuant(graph, id);
  if (!q)
    return permuteTo(xnnName(i, id), types[xnnName(i, id)]);
  if (q->tensor_value()->datatype() != xnn::XNNDatatype::xnn_datatype_qcint8)
    return permuteTo(floatName(graph, i, id), floatType(graph, i, id));
  const xnn::PerChannelQuant *p = q->quant_params_as_PerChannelQuant();
  RankedTensorType type = types[xnnName(i, id)];
  int64_t dim = p->channel_dim();
  if (dim < 0 || dim >= type.getRank() || p->scale()->size() != type.getDimSize(dim))
    return emitError(loc) << "XNNPACK value " << id << " has " << p->scale()->size()
                          << " scales for channel dimension " << dim << " of " << type;
  auto permuted = permuteTo(xnnName(i, id), type);
  if (failed(permuted))
    return failure();
  int64_t axis = 0;
  for (size_t k = 0; k < perm.size(); ++k)
    if (perm[k] == dim)
      axis = static_cast<int64_t>(k);
  std::vector<float> scales(p->scale()->begin(), p->scale()->end());
  std::vector<int64_t> zeros(scales.size(), 0);
  int64_t c = static_cast<int64_t>(scales.size());
  std::string base = xnnName(i, id);
  std::string scaleName = hostConstant(
      RankedTensorType::get({c}, b.getF32Type()),
      llvm::StringRef(reinterpret_cast<const char *>(scales.data()), 4 * scales.size()),
      base + "_scales");
  std::string zeroName =
      hostConstant(RankedTensorType::get({c}, b.getIntegerType(64)),
                   llvm::StringRef(reinterpret_cast<const char *>(zeros.data()), 8 * zeros.size()),
                   base + "_zero_points");
  RankedTensorType permutedType = types[*permuted];
  std::string out = temporary(RankedTensorType::get(permutedType.getShape(), b.getF32Type()));
  if (failed(callOp(loc, "quantized_decomposed", "dequantize_per_channel", "default",
                    {{"input", OpArgument::ofTensor(*permuted)},
                     {"scales", OpArgument::ofTensor(scaleName)},
                     {"zero_points", OpArgument::ofTensor(zeroName)},
                     {"axis", OpArgument::ofInt(axis)},
                     {"quant_min", OpArgument::ofInt(-127)},
                     {"quant_max", OpArgument::ofInt(127)},
                     {"dtype", int8Dtype()}},
                    {out})))
    return failure();
  return out;
}

LogicalResult PteWalker::quantizeInto(const xnn::XNNGraph &graph, size_t i, const std::string &x,
                                      uint32_t id, Location loc) {
  const xnn::XNNQuantizedTensorValue *q = xnnQuant(graph, id);
  if (q->tensor_value()->datatype() != xnn::XNNDatatype::xnn_datatype_qint8)
    return emitError(loc) << "computes XNNPACK value " << id
                          << ", which is not a per-tensor int8 value";
  const xnn::PerTensorQuant *p = q->quant_params_as_PerTensorQuant();
  return callOp(loc, "quantized_decomposed", "quantize_per_tensor", "default",
                {{"input", OpArgument::ofTensor(x)},
                 {"scale", OpArgument::ofFloat(p->scale())},
                 {"zero_point", OpArgument::ofInt(p->zero_point())},
                 {"quant_min", OpArgument::ofInt(-128)},
                 {"quant_max", OpArgument::ofInt(127)},
                 {"dtype", int8Dtype()}},
                {xnnName(i, id)});
}

LogicalResult PteWalker::importXnnpack(size_t i, const pte::DelegateCall &call,
                                       const XnnpackBlob &blob) {
  const xnn::XNNGraph &graph = blob.graph();
  Location delegateLoc = instructionLoc(i, "delegate XnnpackBackend");
  uint32_t count = graph.xvalues() ? graph.xvalues()->size() : 0;
  // Every value's type; constants materialized now (weights are small next
  // to the graph, and each is used).
  for (uint32_t id = 0; id < count; ++id) {
    auto type = xnnType(graph, id, delegateLoc);
    if (failed(type))
      return failure();
    types[xnnName(i, id)] = *type;
    const xnn::XNNTensorValue *t = xnnTensor(graph.xvalues()->Get(id));
    if (t->constant_buffer_idx() == 0)
      continue;
    uint64_t bytes = static_cast<uint64_t>(type->getNumElements()) *
                     (type->getElementType().getIntOrFloatBitWidth() / 8);
    auto data = blob.constant(t->constant_buffer_idx(), bytes);
    if (!data)
      return emitError(delegateLoc)
             << "XNNPACK value " << id << ": " << withoutFileName(data.takeError());
    std::string key = "xnnpack_" + std::to_string(i) + "_" + std::to_string(id);
    Value constant = constants.create(b, fileLoc(), *type, *data, key);
    values[xnnName(i, id)] = constant;
  }
  // The call's arguments: the graph's inputs, then its outputs.
  std::vector<int32_t> args;
  if (call.args())
    args.assign(call.args()->begin(), call.args()->end());
  size_t inputs = graph.input_ids() ? graph.input_ids()->size() : 0;
  size_t outputs = graph.output_ids() ? graph.output_ids()->size() : 0;
  if (args.size() != inputs + outputs)
    return emitError(delegateLoc) << "passes " << args.size() << " values to an XNNPACK graph of "
                                  << inputs << " inputs and " << outputs << " outputs";
  for (size_t k = 0; k < inputs; ++k) {
    uint32_t id = graph.input_ids()->Get(k);
    if (id >= count)
      return emitError(delegateLoc) << "XNNPACK input " << k << " is value " << id
                                    << ", outside the graph's " << count << " values";
    auto v = lookup(valueName(args[k]), delegateLoc);
    auto declared = tensorType(args[k], delegateLoc);
    if (failed(v) || failed(declared))
      return failure();
    if (*declared != types[xnnName(i, id)])
      return emitError(delegateLoc) << "XNNPACK input " << k << " is " << types[xnnName(i, id)]
                                    << " but the program passes " << *declared;
    values[xnnName(i, id)] = *v;
  }

  auto named = [&](const char *name, OpArgument value) { return GivenArgument{name, value}; };
  auto ints = [&](std::vector<int64_t> v) { return OpArgument::ofInts(std::move(v)); };
  auto tensorArg = [&](const char *name, uint32_t id) {
    return GivenArgument{name, OpArgument::ofTensor(floatName(graph, i, id))};
  };
  auto typeOfName = [&](const std::string &name) { return types[name]; };
  auto permuted = [&](RankedTensorType type, ArrayRef<int64_t> perm) {
    SmallVector<int64_t> shape;
    for (int64_t p : perm)
      shape.push_back(type.getShape()[p]);
    return RankedTensorType::get(shape, type.getElementType());
  };
  // permute(x, perm) into a new temporary; its name.
  auto permute = [&](Location loc, const std::string &x,
                     std::vector<int64_t> perm) -> FailureOr<std::string> {
    std::string out = temporary(permuted(typeOfName(x), perm));
    if (failed(callOp(loc, "aten", "permute", "default",
                      {{"self", OpArgument::ofTensor(x)}, named("dims", ints(perm))}, {out})))
      return failure();
    return out;
  };

  // Quantized values are used as reals: the dequantized view of every
  // per-tensor int8 value (graph inputs and constants here, node outputs as
  // they are made) and the real values of int32 biases; per-channel weights
  // are dequantized where a node reads them (after any permute, so that the
  // quantization passes see a dequantize of an int8 constant).
  for (uint32_t id = 0; id < count; ++id)
    if (values.count(xnnName(i, id)) && failed(defineFloatView(graph, blob, i, id, delegateLoc)))
      return failure();

  if (graph.xnodes())
    for (size_t k = 0; k < graph.xnodes()->size(); ++k) {
      const xnn::XNode *node = graph.xnodes()->Get(k);
      const char *kind = xnn::EnumNameXNodeUnion(node->xnode_union_type());
      Location loc =
          nodeLocation(ctx, path, "instruction " + std::to_string(i) + " node " + std::to_string(k),
                       std::string("xnnpack ") + kind);
      auto checkId = [&](uint32_t id) -> LogicalResult {
        if (id >= count)
          return emitError(loc) << "refers to XNNPACK value " << id << ", outside the graph's "
                                << count << " values";
        return success();
      };
      // The node's output before its clamp, and where the clamp writes.
      uint32_t outId = 0;
      std::string result;
      // The fused output range (a clamp node's bounds): a clamp after the
      // node, or, for the NCHW operators, before the permute back to NHWC (so
      // that the graph passes fuse it into the convolution).
      const xnn::OutputMinMax *range = node->output_min_max();
      double lo = range ? range->output_min() : -std::numeric_limits<double>::infinity();
      double hi = range ? range->output_max() : std::numeric_limits<double>::infinity();
      bool clamped = std::isinf(lo) && std::isinf(hi);
      auto clamp = [&](const std::string &x, const std::string &out) {
        return callOp(loc, "aten", "clamp", "default",
                      {named("self", OpArgument::ofTensor(x)),
                       named("min", std::isinf(lo) ? OpArgument::none() : OpArgument::ofFloat(lo)),
                       named("max", std::isinf(hi) ? OpArgument::none() : OpArgument::ofFloat(hi))},
                      {out});
      };
      // The NCHW result of a convolution or pooling back in NHWC as the node's
      // output: a quantized output is quantized first (in NCHW, next to the
      // operator, for the quantization passes) and its int8 permuted.
      bool defined = false;
      auto backToNhwc = [&](const std::string &nchw) -> LogicalResult {
        if (!xnnQuant(graph, outId)) {
          auto back = permute(loc, nchw, {0, 2, 3, 1});
          if (failed(back))
            return failure();
          result = *back;
          return success();
        }
        RankedTensorType t = types[nchw];
        std::string q = temporary(RankedTensorType::get(t.getShape(), b.getIntegerType(8)));
        const xnn::PerTensorQuant *p = xnnQuant(graph, outId)->quant_params_as_PerTensorQuant();
        if (!p)
          return emitError(loc) << "computes XNNPACK value " << outId
                                << ", which is not a per-tensor int8 value";
        if (failed(callOp(loc, "quantized_decomposed", "quantize_per_tensor", "default",
                          {named("input", OpArgument::ofTensor(nchw)),
                           named("scale", OpArgument::ofFloat(p->scale())),
                           named("zero_point", OpArgument::ofInt(p->zero_point())),
                           named("quant_min", OpArgument::ofInt(-128)),
                           named("quant_max", OpArgument::ofInt(127)), named("dtype", int8Dtype())},
                          {q})) ||
            failed(
                callOp(loc, "aten", "permute", "default",
                       {named("self", OpArgument::ofTensor(q)), named("dims", ints({0, 2, 3, 1}))},
                       {xnnName(i, outId)})) ||
            failed(defineFloatView(graph, blob, i, outId, loc)))
          return failure();
        defined = true;
        return success();
      };
      auto clampFirst = [&](std::string &x) -> LogicalResult {
        if (clamped)
          return success();
        std::string out = temporary(types[x]);
        if (failed(clamp(x, out)))
          return failure();
        x = out;
        clamped = true;
        return success();
      };
      using U = xnn::XNodeUnion;
      U type = node->xnode_union_type();
      auto binary = [&](const char *name, const char *overload) -> LogicalResult {
        const xnn::_XNNNode2x1 *n = static_cast<const xnn::_XNNNode2x1 *>(node->xnode_union());
        if (failed(checkId(n->input1_id())) || failed(checkId(n->input2_id())) ||
            failed(checkId(n->output_id())))
          return failure();
        outId = n->output_id();
        result = temporary(floatType(graph, i, outId));
        return callOp(loc, "aten", name, overload,
                      {tensorArg("self", n->input1_id()), tensorArg("other", n->input2_id())},
                      {result});
      };
      // A node of one input (any node table with input_id and output_id) as
      // the aten operator `name` of `self` and `extra`, made by `extra` from
      // the node once its values are checked.
      auto oneInput = [&](const auto *n, const char *name, const char *overload,
                          auto extra) -> LogicalResult {
        if (failed(checkId(n->input_id())) || failed(checkId(n->output_id())))
          return failure();
        outId = n->output_id();
        result = temporary(floatType(graph, i, outId));
        FailureOr<std::vector<GivenArgument>> more = extra(n);
        if (failed(more))
          return failure();
        std::vector<GivenArgument> args = {tensorArg("self", n->input_id())};
        args.insert(args.end(), more->begin(), more->end());
        return callOp(loc, "aten", name, overload, std::move(args), {result});
      };
      auto unary = [&](const char *name, const char *overload,
                       std::vector<GivenArgument> extra = {}) -> LogicalResult {
        return oneInput(
            static_cast<const xnn::_XNNNode1x1 *>(node->xnode_union()), name, overload,
            [&](const auto *) -> FailureOr<std::vector<GivenArgument>> { return extra; });
      };
      LogicalResult status = success();
      switch (type) {
      case U::XNNAdd:
        status = binary("add", "Tensor");
        break;
      case U::XNNSubtract:
        status = binary("sub", "Tensor");
        break;
      case U::XNNMultiply:
        status = binary("mul", "Tensor");
        break;
      case U::XNNDiv:
        status = binary("div", "Tensor");
        break;
      case U::XNNMinimum:
        status = binary("minimum", "default");
        break;
      case U::XNNMaximum:
        status = binary("maximum", "default");
        break;
      case U::XNNSigmoid:
        status = unary("sigmoid", "default");
        break;
      case U::XNNHardswish:
        status = unary("hardswish", "default");
        break;
      case U::XNNAbs:
        status = unary("abs", "default");
        break;
      case U::XNNNegate:
        status = unary("neg", "default");
        break;
      case U::XNNSquareRoot:
        status = unary("sqrt", "default");
        break;
      case U::XNNFloor:
        status = unary("floor", "default");
        break;
      case U::XNNCeiling:
        status = unary("ceil", "default");
        break;
      case U::XNNGelu:
        status = unary("gelu", "default");
        break;
      case U::XNNClamp: {
        // The bounds are the node's output_min_max, applied below.
        const auto *n = node->xnode_union_as_XNNClamp();
        if (failed(checkId(n->input_id())) || failed(checkId(n->output_id())))
          return failure();
        outId = n->output_id();
        result = floatName(graph, i, n->input_id());
        break;
      }
      case U::XNNConvert: {
        // To or from int8: the quantize below, or the dequantized view.
        const auto *n = node->xnode_union_as_XNNConvert();
        if (failed(checkId(n->input_id())) || failed(checkId(n->output_id())))
          return failure();
        outId = n->output_id();
        result = floatName(graph, i, n->input_id());
        break;
      }
      case U::XNNSoftmax: {
        int64_t rank = types[xnnName(i, node->xnode_union_as_XNNSoftmax()->input_id())].getRank();
        status = unary("_softmax", "default",
                       {named("dim", OpArgument::ofInt(rank - 1)),
                        named("half_to_float", OpArgument::ofBool(false))});
        break;
      }
      case U::XNNGlobalAvgPooling2d: {
        // NHWC's mean over H and W, as NCHW's over the trailing dimensions
        // (the pooling the quantization passes fold) between permutes.
        const auto *n = node->xnode_union_as_XNNGlobalAvgPooling2d();
        if (failed(checkId(n->input_id())) || failed(checkId(n->output_id())))
          return failure();
        if (types[xnnName(i, n->input_id())].getRank() != 4)
          return emitError(loc) << "pools a " << types[xnnName(i, n->input_id())].getRank()
                                << "-d value; Kiln reads 4-d (NHWC) ones";
        outId = n->output_id();
        auto input = permute(loc, floatName(graph, i, n->input_id()), {0, 3, 1, 2});
        if (failed(input))
          return failure();
        std::string nchw = temporary(permuted(floatType(graph, i, outId), {0, 3, 1, 2}));
        if (failed(callOp(loc, "aten", "mean", "dim",
                          {named("self", OpArgument::ofTensor(*input)), named("dim", ints({2, 3})),
                           named("keepdim", OpArgument::ofBool(true))},
                          {nchw})) ||
            failed(clampFirst(nchw)) || failed(backToNhwc(nchw)))
          return failure();
        break;
      }
      case U::XNNLeakyReLU:
        status = oneInput(node->xnode_union_as_XNNLeakyReLU(), "leaky_relu", "default",
                          [&](const auto *n) -> FailureOr<std::vector<GivenArgument>> {
                            return std::vector<GivenArgument>{
                                named("negative_slope", OpArgument::ofFloat(n->negative_slope()))};
                          });
        break;
      case U::XNNELU:
        status = oneInput(node->xnode_union_as_XNNELU(), "elu", "default",
                          [&](const auto *n) -> FailureOr<std::vector<GivenArgument>> {
                            return std::vector<GivenArgument>{
                                named("alpha", OpArgument::ofFloat(n->alpha()))};
                          });
        break;
      case U::XNNStaticTranspose:
        status = oneInput(node->xnode_union_as_XNNStaticTranspose(), "permute", "default",
                          [&](const auto *n) -> FailureOr<std::vector<GivenArgument>> {
                            std::vector<int64_t> perm;
                            if (n->perm())
                              perm.assign(n->perm()->begin(), n->perm()->end());
                            return std::vector<GivenArgument>{named("dims", ints(perm))};
                          });
        break;
      case U::XNNStaticReshape:
        status = oneInput(node->xnode_union_as_XNNStaticReshape(), "view", "default",
                          [&](const auto *n) -> FailureOr<std::vector<GivenArgument>> {
                            ArrayRef<int64_t> shape = types[xnnName(i, n->output_id())].getShape();
                            return std::vector<GivenArgument>{named(
                                "size", ints(std::vector<int64_t>(shape.begin(), shape.end())))};
                          });
        break;
      case U::XNNStaticConstantPad:
        status = oneInput(
            node->xnode_union_as_XNNStaticConstantPad(), "constant_pad_nd", "default",
            [&](const auto *n) -> FailureOr<std::vector<GivenArgument>> {
              int64_t rank = types[xnnName(i, n->input_id())].getRank();
              if (!n->pre_paddings() || !n->post_paddings() || n->pre_paddings()->size() != rank ||
                  n->post_paddings()->size() != rank)
                return emitError(loc)
                       << "has paddings for other than its input's " << rank << " dimensions";
              // aten's pad lists (before, after) pairs from the last dimension.
              std::vector<int64_t> pad;
              for (int64_t d = rank - 1; d >= 0; --d) {
                pad.push_back(n->pre_paddings()->Get(d));
                pad.push_back(n->post_paddings()->Get(d));
              }
              return std::vector<GivenArgument>{
                  named("pad", ints(pad)), named("value", OpArgument::ofFloat(n->padding_value()))};
            });
        break;
      case U::XNNConcatenate2:
      case U::XNNConcatenate3:
      case U::XNNConcatenate4:
      case U::XNNConcatenate5: {
        const auto *n = static_cast<const xnn::_XNNCat *>(node->xnode_union());
        int parts = type == U::XNNConcatenate2   ? 2
                    : type == U::XNNConcatenate3 ? 3
                    : type == U::XNNConcatenate4 ? 4
                                                 : 5;
        uint32_t ids[5] = {n->input1_id(), n->input2_id(), n->input3_id(), n->input4_id(),
                           n->input5_id()};
        OpArgument list;
        list.kind = OpArgument::Kind::Tensors;
        for (int p = 0; p < parts; ++p) {
          if (failed(checkId(ids[p])))
            return failure();
          list.names.push_back(floatName(graph, i, ids[p]));
        }
        if (failed(checkId(n->output_id())))
          return failure();
        outId = n->output_id();
        result = temporary(floatType(graph, i, outId));
        status =
            callOp(loc, "aten", "cat", "default",
                   {named("tensors", list), named("dim", OpArgument::ofInt(n->axis()))}, {result});
        break;
      }
      case U::XNNFullyConnected: {
        const auto *n = node->xnode_union_as_XNNFullyConnected();
        if (failed(checkId(n->input1_id())) || failed(checkId(n->filter_id())) ||
            failed(checkId(n->output_id())) ||
            (n->bias_id() != kXnnNoValue && failed(checkId(n->bias_id()))))
          return failure();
        auto filter = weightView(graph, i, n->filter_id(),
                                 n->flags() & kXnnTransposeWeights ? std::vector<int64_t>{1, 0}
                                                                   : std::vector<int64_t>{0, 1},
                                 loc);
        if (failed(filter))
          return failure();
        std::string weight = *filter;
        outId = n->output_id();
        result = temporary(floatType(graph, i, outId));
        status = callOp(
            loc, "aten", "linear", "default",
            {tensorArg("input", n->input1_id()), named("weight", OpArgument::ofTensor(weight)),
             named("bias", n->bias_id() == kXnnNoValue
                               ? OpArgument::none()
                               : OpArgument::ofTensor(floatName(graph, i, n->bias_id())))},
            {result});
        break;
      }
      case U::XNNConv2d:
      case U::XNNDepthwiseConv2d: {
        // NHWC with an OHWI filter (depthwise: 1HWO) as aten's NCHW
        // convolution with an OIHW filter, between permutes (the graph
        // passes cancel them against the program's own).
        const auto *n = static_cast<const xnn::_XNNNodeConv *>(node->xnode_union());
        if (failed(checkId(n->input1_id())) || failed(checkId(n->filter_id())) ||
            failed(checkId(n->output_id())) ||
            (n->bias_id() != kXnnNoValue && failed(checkId(n->bias_id()))))
          return failure();
        if (types[xnnName(i, n->input1_id())].getRank() != 4)
          return emitError(loc) << "has a " << types[xnnName(i, n->input1_id())].getRank()
                                << "-d input; Kiln reads 2-d (NHWC) convolutions";
        auto input = permute(loc, floatName(graph, i, n->input1_id()), {0, 3, 1, 2});
        auto weight = weightView(graph, i, n->filter_id(),
                                 type == U::XNNDepthwiseConv2d ? std::vector<int64_t>{3, 0, 1, 2}
                                                               : std::vector<int64_t>{0, 3, 1, 2},
                                 loc);
        if (failed(input) || failed(weight))
          return failure();
        std::string x = *input;
        if (n->padding_top() != n->padding_bottom() || n->padding_left() != n->padding_right()) {
          RankedTensorType t = types[x];
          SmallVector<int64_t> shape(t.getShape());
          shape[2] += n->padding_top() + n->padding_bottom();
          shape[3] += n->padding_left() + n->padding_right();
          std::string padded = temporary(RankedTensorType::get(shape, t.getElementType()));
          if (failed(callOp(loc, "aten", "constant_pad_nd", "default",
                            {named("self", OpArgument::ofTensor(x)),
                             named("pad", ints({n->padding_left(), n->padding_right(),
                                                n->padding_top(), n->padding_bottom()})),
                             named("value", OpArgument::ofFloat(0))},
                            {padded})))
            return failure();
          x = padded;
        }
        bool symmetric =
            n->padding_top() == n->padding_bottom() && n->padding_left() == n->padding_right();
        outId = n->output_id();
        RankedTensorType out = floatType(graph, i, outId);
        std::string nchw = temporary(permuted(out, {0, 3, 1, 2}));
        if (failed(callOp(
                loc, "aten", "convolution", "default",
                {named("input", OpArgument::ofTensor(x)),
                 named("weight", OpArgument::ofTensor(*weight)),
                 named("bias", n->bias_id() == kXnnNoValue
                                   ? OpArgument::none()
                                   : OpArgument::ofTensor(floatName(graph, i, n->bias_id()))),
                 named("stride", ints({n->subsampling_height(), n->subsampling_width()})),
                 named("padding",
                       symmetric ? ints({n->padding_top(), n->padding_left()}) : ints({0, 0})),
                 named("dilation", ints({n->dilation_height(), n->dilation_width()})),
                 named("transposed", OpArgument::ofBool(false)),
                 named("output_padding", ints({0, 0})),
                 named("groups", OpArgument::ofInt(n->groups()))},
                {nchw})) ||
            failed(clampFirst(nchw)) || failed(backToNhwc(nchw)))
          return failure();
        break;
      }
      case U::XNNMaxPooling2d:
      case U::XNNAvgPooling2d: {
        const auto *n = static_cast<const xnn::_XNNPooling2D *>(node->xnode_union());
        if (failed(checkId(n->input_id())) || failed(checkId(n->output_id())))
          return failure();
        if (n->padding_top() != n->padding_bottom() || n->padding_left() != n->padding_right())
          return emitError(loc) << "has asymmetric padding, which Kiln does not import yet";
        bool average = type == U::XNNAvgPooling2d;
        if (average && (n->padding_top() || n->padding_left()))
          return emitError(loc) << "is an average pooling with padding, which Kiln does not "
                                   "import yet";
        auto input = permute(loc, floatName(graph, i, n->input_id()), {0, 3, 1, 2});
        if (failed(input))
          return failure();
        outId = n->output_id();
        std::string nchw = temporary(permuted(floatType(graph, i, outId), {0, 3, 1, 2}));
        std::vector<GivenArgument> args = {
            named("self", OpArgument::ofTensor(*input)),
            named("kernel_size", ints({n->pooling_height(), n->pooling_width()})),
            named("stride", ints({n->stride_height(), n->stride_width()})),
            named("padding", ints({n->padding_top(), n->padding_left()}))};
        if (!average)
          args.push_back(named("dilation", ints({n->dilation_height(), n->dilation_width()})));
        if (failed(callOp(loc, "aten", average ? "avg_pool2d" : "max_pool2d", "default",
                          std::move(args), {nchw})) ||
            failed(clampFirst(nchw)) || failed(backToNhwc(nchw)))
          return failure();
        break;
      }
      default:
        return emitError(loc) << "is an XNNPACK node Kiln does not import yet";
      }
      if (failed(status))
        return failure();
      if (defined)
        continue;
      std::string out = xnnName(i, outId);
      if (xnnQuant(graph, outId)) {
        // A quantized result: clamped in reals, quantized into its value.
        if (failed(clampFirst(result)) || failed(quantizeInto(graph, i, result, outId, loc)) ||
            failed(defineFloatView(graph, blob, i, outId, loc)))
          return failure();
        continue;
      }
      if (clamped) {
        values[out] = values[result];
        continue;
      }
      if (failed(clamp(result, out)))
        return failure();
    }
  for (size_t k = 0; k < outputs; ++k) {
    uint32_t id = graph.output_ids()->Get(k);
    auto v = lookup(xnnName(i, id), delegateLoc);
    if (failed(v))
      return failure();
    values[valueName(args[inputs + k])] = *v;
  }
  return success();
}

} // namespace pte_import
} // namespace kiln
