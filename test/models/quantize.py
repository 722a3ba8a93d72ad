#!/usr/bin/env python3
"""PT2E quantization of a captured graph, as torch >= 2.9 + ExecuTorch's XNNPACKQuantizer do it.

torch 1.13 has neither `prepare_pt2e`/`convert_pt2e` nor the `quantized_decomposed`
operators, so this module reproduces, on graph_ir Programs captured in the training IR,
what this sequence writes (FORMATS.md §6):

    ep = torch.export.export(model, example_inputs)            # training IR
    m = prepare_pt2e(ep.module(), XNNPACKQuantizer().set_global(
            get_symmetric_quantization_config(is_per_channel=..., is_dynamic=...)))
    for x in calibration_inputs: m(*x)
    m = convert_pt2e(m)                                        # fold_quantize=True
    torch.export.save(torch.export.export(m, example_inputs), "model.pt2")

Steps, each mirroring the torch/torchao/ExecuTorch code it names (read in their public
source; the code here is our own):

1. `fold_conv_bn` (prepare_pt2e's _fuse_conv_bn_): every batch_norm whose input is a
   convolution is folded into the convolution's weight and bias
   (torch.nn.utils.fusion.fuse_conv_bn_weights); the fused weight keeps the convolution's
   parameter name, the bias too, or, for a bias-free convolution, becomes the new parameter
   `<weight fqn>_bias` (requires_grad False, as fuse_conv_bn_weights makes it). The batch
   norm's parameters and buffers stay in the module, unused (export lifts them anyway).
2. `convert_scalars_to_attrs` (XNNPACKQuantizer.transform_for_annotation): a Python number
   given to add.Tensor / mul.Tensor becomes a 0-dim float32 root buffer `_tensor_constant_N`.
3. `annotate` (XNNPACKQuantizer.annotate + propagate_annotation, xnnpack_quantizer_utils):
   the STATIC_OPS annotators in their order (linear_relu, linear, conv, conv_relu,
   adaptive_avg_pool2d, add_relu, add, mul_relu, mul, cat), or only `linear` for dynamic
   quantization, then shared-qparams propagation through relu, hardtanh(_), max_pool2d,
   mean, permute, squeeze.dim, adaptive_avg_pool2d, view, slice_copy, flatten.using_ints
   when the producer's output is annotated. Nothing else is annotated (hardswish,
   hardsigmoid, sigmoid, avg_pool2d, pad, matmul, addmm, dropout, ... run in float
   between a dequantize and the next quantize, as in the real graph).
4. `prepare` (pt2e prepare.py): quantization specs are grouped with union-find exactly as
   _get_edge_or_node_to_group_id does (SharedQuantizationSpec edges, implicit sharing of an
   input edge with the producer's output and with the producer's other users when dtype /
   quant range / qscheme / is_dynamic agree); one observer per group; observer nodes are
   inserted where _maybe_insert_input_and_output_observers_for_node inserts them (after a
   node's output; on an input edge only when the producer's observer is another one, reusing
   an observer node of the same group already on that producer).
5. Calibration: the prepared graph runs on each calibration input; each observer node feeds
   its group's torch 1.13 observer (activations HistogramObserver qint8 [-128, 127]
   eps 2**-12; weights PerChannelMinMaxObserver ch_axis 0 or MinMaxObserver, symmetric
   qint8 [-127, 127] eps 2**-12; in the uint8 mode activations are quint8 [0, 255]).
   torch.int8 stands for 1.13's torch.qint8 in the graph, torch.uint8 for torch.quint8.
6. `convert` (convert_pt2e): every observer node becomes quantize_per_tensor.default +
   dequantize_per_tensor.default with literal (float scale, int zero point), or
   quantize_per_channel + dequantize_per_channel reading the new root buffers `_scale_N`
   (float32 [C]) and `_zero_point_N` (int64 [C], zeros), or, dynamic, choose_qparams.tensor
   (eps 2**-12: the XNNPACK config gives its PlaceholderObserver eps=2**-12, which convert
   passes on) + getitem 0/1 + quantize_per_tensor.tensor + dequantize_per_tensor.tensor;
   then DuplicateDQPass (a static dequantize used by several nodes gets one copy per
   annotated user; unannotated users and the graph output share the original); then
   constant folding of quantize nodes whose inputs are all lifted state (the weights): the
   int8 result becomes the root buffer `_frozen_paramN`; a top-level state attribute the
   folded node read becomes unused and is deleted (`_tensor_constant_N`), nested ones stay.
7. Re-export: the state is lifted in the order of the converted GraphModule
   (`module_state_order`: parameters, then buffers, each in named_parameters /
   named_buffers order of the module tree rebuilt by ep.module(); new root buffers after
   the root's own), so `_scale_N`, `_zero_point_N`, `_frozen_paramN` are persistent
   buffers (`b__scale_0`, `b__zero_point_0`, `b__frozen_param0` placeholders), and the
   float weights the int8 constants replaced are still lifted, unused.

`to_core` then gives the core ATen IR (`ep.run_decompositions()` of that program): the
quantized training graph is traced again with make_fx(functionalize) through torch 1.13,
the quantized_decomposed operators registered as opaque CompositeExplicitAutograd
operators (they stay single nodes, as in torch 2.9, where the default decomposition table
has no entry for them), every other node decomposed as capture.capture_core decomposes
modules (conv2d -> convolution, linear -> permute + addmm, in-place -> functional, eval
dropout -> clone, ...).
"""

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

import torch

import aten_eval
import schemas
from graph_ir import InputSpec, Node, Program, TensorMeta, Value
from torch_enums import complete_arguments, default_to_torch

# --------------------------------------------------------------------------------------------
# Configuration (ExecuTorch backends/xnnpack/quantizer/xnnpack_quantizer.py,
# get_symmetric_quantization_config)

EPS = 2.0 ** -12  # extra_args {"eps": 2**-12}: activation and weight observers alike
DYNAMIC_EPS = EPS  # the dynamic config's PlaceholderObserver gets the same eps


@dataclass(frozen=True)
class QSpec:
    """A QuantizationSpec: what _union_input_edge_with compares, plus the kind of observer."""

    kind: str  # "act" | "weight" | "dynamic"
    quant_min: int
    quant_max: int
    qscheme: str  # "per_tensor_affine" | "per_tensor_symmetric" | "per_channel_symmetric"
    is_dynamic: bool = False
    dtype: Any = torch.int8


ACT = QSpec("act", -128, 127, "per_tensor_affine")
DYNAMIC_ACT = QSpec("dynamic", -128, 127, "per_tensor_affine", is_dynamic=True)
# uint8 activations (torch.ao's default and the X86InductorQuantizer's: quint8 [0, 255]).
ACT_UINT8 = QSpec("act", 0, 255, "per_tensor_affine", dtype=torch.uint8)
WEIGHT_PER_CHANNEL = QSpec("weight", -127, 127, "per_channel_symmetric")
WEIGHT_PER_TENSOR = QSpec("weight", -127, 127, "per_tensor_symmetric")


@dataclass(frozen=True)
class Mode:
    name: str
    weight: QSpec
    dynamic: bool
    uint8: bool = False  # uint8 activations

    @property
    def act(self) -> QSpec:
        return DYNAMIC_ACT if self.dynamic else ACT_UINT8 if self.uint8 else ACT


MODES = {
    "int8": Mode("int8", WEIGHT_PER_CHANNEL, False),
    "int8-per-tensor": Mode("int8-per-tensor", WEIGHT_PER_TENSOR, False),
    "int8-dynamic": Mode("int8-dynamic", WEIGHT_PER_CHANNEL, True),
    "uint8": Mode("uint8", WEIGHT_PER_CHANNEL, False, uint8=True),
}


def make_observer(spec: QSpec):
    """torch 1.13's observer for a spec (None for dynamic: qparams are computed at run time)."""
    from torch.ao.quantization import HistogramObserver, MinMaxObserver, PerChannelMinMaxObserver

    if spec.is_dynamic:
        return None
    qscheme = getattr(torch, spec.qscheme)
    kwargs = dict(dtype=torch.quint8 if spec.dtype == torch.uint8 else torch.qint8, qscheme=qscheme, quant_min=spec.quant_min,
                  quant_max=spec.quant_max, eps=EPS)
    if spec.kind == "act":
        return HistogramObserver(**kwargs)
    if spec.qscheme == "per_channel_symmetric":
        return PerChannelMinMaxObserver(ch_axis=0, **kwargs)
    return MinMaxObserver(**kwargs)


class QuantizeError(Exception):
    pass


# --------------------------------------------------------------------------------------------
# Graph helpers. FX nodes are graph_ir Nodes; an FX placeholder / get_attr is the Value of
# an input spec. An annotated op has one output, so "the node" and "its output" coincide.

OBSERVE = schemas.parse_schema("kiln::observe(Tensor self) -> Tensor")


def _replace_in(x, old: Value, new: Value):
    if x is old:
        return new
    if isinstance(x, list):
        return [_replace_in(e, old, new) for e in x]
    return x


class Graph:
    """A Program's nodes in FX order, with placeholders as position markers, users and
    producers computed on demand."""

    def __init__(self, prog: Program):
        self.prog = prog
        # ("ph", Value) markers first (input spec order), then the op nodes.
        self.order: List[Any] = [("ph", s.value) for s in prog.input_specs] + list(prog.nodes)

    # -- structure
    def nodes(self) -> List[Node]:
        return [item for item in self.order if isinstance(item, Node)]

    def producer(self, v: Value) -> Optional[Node]:
        for n in self.nodes():
            if any(o is v for o in n.output_values()):
                return n
        return None

    def users(self, v: Value) -> List[Any]:
        """Distinct user nodes in graph order, then "output" if v is a graph output."""
        out = [n for n in self.nodes() if any(a is v for a in n.input_values())]
        if any(o is v for o in self.prog.outputs):
            out.append("output")
        return out

    def index(self, item) -> int:
        for i, x in enumerate(self.order):
            if x is item or (isinstance(x, tuple) and isinstance(item, tuple) and x[1] is item[1]):
                return i
        raise KeyError(item)

    def position_of(self, v: Value):
        """The order item after which a node reading `v` first can be inserted."""
        p = self.producer(v)
        return p if p is not None else ("ph", v)

    def insert_after(self, item, node: Node) -> None:
        self.order.insert(self.index(item) + 1, node)

    def insert_before(self, item, node: Node) -> None:
        self.order.insert(self.index(item), node)

    def remove(self, node: Node) -> None:
        self.order.pop(self.index(node))

    def replace_uses(self, old: Value, new: Value, except_node: Optional[Node] = None) -> None:
        for n in self.nodes():
            if n is except_node:
                continue
            n.args = {k: _replace_in(a, old, new) for k, a in n.args.items()}
        self.prog.outputs = [new if o is old else o for o in self.prog.outputs]

    def commit(self) -> None:
        self.prog.nodes = self.nodes()


def _first_arg(node: Node):
    return node.args[node.schema.arguments[0].name]


def _tensor_args(node: Node) -> List[Tuple[str, Any]]:
    """(argument name, value) of every Value argument, lists flattened, in schema order."""
    out = []
    for a in node.schema.arguments:
        v = node.args[a.name]
        if isinstance(v, Value):
            out.append((a.name, v))
        elif isinstance(v, list):
            out.extend((a.name, e) for e in v if isinstance(e, Value))
    return out


# --------------------------------------------------------------------------------------------
# 1. conv + batch norm folding (prepare_pt2e: _fuse_conv_bn_)

CONV_KEYS = {"aten::conv1d.default", "aten::conv2d.default", "aten::conv3d.default",
             "aten::conv1d.padding", "aten::conv2d.padding", "aten::conv3d.padding"}
CONV_TRANSPOSE_KEYS = {"aten::conv_transpose1d.default", "aten::conv_transpose2d.input",
                       "aten::conv_transpose3d.input"}
BATCH_NORM_KEYS = {"aten::batch_norm.default"}


@dataclass
class State:
    """The module's state as the converted GraphModule holds it: every FQN in the order it
    was assigned (ep.module() first, then prepare/convert), what it is, and its tensor."""

    kinds: Dict[str, str] = field(default_factory=dict)  # fqn -> parameter|buffer|constant
    persistent: Dict[str, bool] = field(default_factory=dict)
    tensors: Dict[str, torch.Tensor] = field(default_factory=dict)
    values: Dict[str, Value] = field(default_factory=dict)

    @classmethod
    def of(cls, prog: Program) -> "State":
        st = cls()
        for spec in prog.input_specs:
            if spec.kind == "user_input":
                continue
            st.kinds[spec.target] = spec.kind
            st.persistent[spec.target] = spec.kind == "parameter" or bool(spec.persistent)
            st.tensors[spec.target] = prog.state_dict[spec.target] \
                if spec.target in prog.state_dict else prog.constants[spec.target]
            st.values[spec.target] = spec.value
        return st

    def add(self, fqn: str, kind: str, tensor: torch.Tensor) -> Value:
        if fqn in self.kinds:
            raise QuantizeError("state %s defined twice" % fqn)
        self.kinds[fqn] = kind
        self.persistent[fqn] = True
        self.tensors[fqn] = tensor
        self.values[fqn] = Value(fqn)
        return self.values[fqn]

    def delete(self, fqn: str) -> None:
        for d in (self.kinds, self.persistent, self.tensors, self.values):
            d.pop(fqn)

    def fqn_of(self, v: Value) -> Optional[str]:
        for fqn, value in self.values.items():
            if value is v:
                return fqn
        return None

    def new_name(self, prefix: str) -> str:
        """torch.ao's get_new_attr_name_with_prefix: prefix + the first unused index."""
        i = 0
        while "%s%d" % (prefix, i) in self.kinds:
            i += 1
        return "%s%d" % (prefix, i)


def fold_conv_bn(g: Graph, st: State) -> int:
    from torch.nn.utils.fusion import fuse_conv_bn_weights

    folded = 0
    for bn in list(g.nodes()):
        if bn.key not in BATCH_NORM_KEYS:
            continue
        conv = g.producer(bn.args["input"])
        if conv is None or conv.key not in CONV_KEYS | CONV_TRANSPOSE_KEYS:
            continue
        a = bn.args
        if a["training"]:
            raise QuantizeError("batch_norm in training mode after %s" % conv.key)

        def state_of(v, what):
            if v is None:
                return None, None
            fqn = st.fqn_of(v)
            if fqn is None:
                raise QuantizeError("%s of %s is computed, not a parameter: cannot fold the "
                                    "batch norm" % (what, conv.key))
            return fqn, st.tensors[fqn]

        w_fqn, w = state_of(conv.args["weight"], "weight")
        b_fqn, b = state_of(conv.args["bias"], "bias")
        tensors = [state_of(a[k], k)[1] for k in ("weight", "bias", "running_mean", "running_var")]
        fused_w, fused_b = fuse_conv_bn_weights(
            w, b, tensors[2], tensors[3], a["eps"], tensors[0], tensors[1],
            transpose=conv.key in CONV_TRANSPOSE_KEYS)
        st.tensors[w_fqn] = fused_w
        if b_fqn is not None:
            st.tensors[b_fqn] = fused_b
        else:
            conv.args["bias"] = st.add(w_fqn + "_bias", "parameter", fused_b)
        g.replace_uses(bn.outputs[0], conv.outputs[0])
        g.remove(bn)
        folded += 1
    return folded


# --------------------------------------------------------------------------------------------
# 2. XNNPACKQuantizer.transform_for_annotation (_convert_scalars_to_attrs)

def convert_scalars_to_attrs(g: Graph, st: State) -> int:
    n_converted = 0
    for node in g.nodes():
        if node.key not in ("aten::add.Tensor", "aten::mul.Tensor"):
            continue
        for name in ("self", "other"):
            v = node.args[name]
            if isinstance(v, Value) or not isinstance(v, (bool, int, float)):
                continue
            fqn = st.new_name("_tensor_constant_")
            value = st.add(fqn, "buffer", torch.tensor(float(v)))
            value.meta = TensorMeta(torch.float32, (), (), 0, False)
            g.insert_before(node, ("ph", value))
            node.args[name] = value
            n_converted += 1
    return n_converted


# --------------------------------------------------------------------------------------------
# 3. Annotation (xnnpack_quantizer_utils.py)

@dataclass
class Shared:
    """SharedQuantizationSpec: share the observer of a node's output ("node", value) or of
    an input edge ("edge", producer value, consumer node)."""

    target: Tuple


@dataclass
class Annotation:
    inputs: List[Tuple[Value, Any]] = field(default_factory=list)  # (producer, QSpec/Shared)
    output: Any = None
    annotated: bool = True

    def input_spec(self, v: Value):
        for u, spec in self.inputs:
            if u is v:
                return True, spec
        return False, None

    def set_input(self, v: Value, spec) -> None:
        for i, (u, _) in enumerate(self.inputs):
            if u is v:
                self.inputs[i] = (v, spec)
                return
        self.inputs.append((v, spec))

    @property
    def valid(self) -> bool:  # pt2e utils._is_valid_annotation
        return bool(self.inputs) or self.output is not None


RELU_KEYS = {"aten::relu.default", "aten::relu_.default"}
ADD_KEYS = {"aten::add.Tensor", "aten::add_.Tensor"}
MUL_KEYS = {"aten::mul.Tensor", "aten::mul_.Tensor"}
SHARE_QPARAMS_KEYS = {
    "aten::relu.default", "aten::hardtanh.default", "aten::hardtanh_.default",
    "aten::max_pool2d.default", "aten::mean.default", "aten::mean.dim", "aten::permute.default",
    "aten::permute_copy.default", "aten::squeeze.dim", "aten::squeeze_copy.dim",
    "aten::adaptive_avg_pool2d.default", "aten::view_copy.default", "aten::view.default",
    "aten::slice_copy.Tensor", "aten::flatten.using_ints",
}


class Annotator:
    def __init__(self, g: Graph, st: State, mode: Mode):
        self.g, self.st, self.mode = g, st, mode
        self.ann: Dict[int, Annotation] = {}  # id(Node) or id(placeholder Value)
        self.marked: set = set()  # ids with _annotated True

    # helpers
    def is_annotated(self, items) -> bool:
        return any(id(i) in self.marked for i in items if i is not None)

    def mark(self, items) -> None:
        for i in items:
            if i is None:
                continue
            self.ann.setdefault(id(i), Annotation(annotated=True))
            self.marked.add(id(i))

    def set(self, item, annotation: Annotation) -> None:
        self.ann[id(item)] = annotation
        if annotation.annotated:
            self.marked.add(id(item))

    def get(self, item) -> Optional[Annotation]:
        return self.ann.get(id(item))

    def fx_node(self, v: Value):
        """The FX node of a value: its producer, or the placeholder value itself."""
        p = self.g.producer(v)
        return p if p is not None else v

    def n_users(self, v: Value) -> int:
        return len(self.g.users(v))

    def is_float(self, v: Value) -> bool:
        return v.meta is not None and v.meta.dtype == torch.float32

    def large_scalar(self, v: Value) -> bool:
        fqn = self.st.fqn_of(v)
        if fqn is None:
            return False
        t = self.st.tensors[fqn]
        return t.numel() == 1 and abs(float(t.reshape(-1)[0])) > 3.4028235e15

    # annotators, in XNNPACKQuantizer.STATIC_OPS order
    def _weighted(self, node, with_output: bool) -> Tuple[Annotation, list]:
        act, w, b = node.args["input"], node.args["weight"], node.args.get("bias")
        ann = Annotation()
        ann.set_input(act, self.mode.act)
        ann.set_input(w, self.mode.weight)
        partition = [node, self.fx_node(w)]
        if isinstance(b, Value):
            partition.append(self.fx_node(b))  # bias spec None: no observer
        if with_output and not self.mode.dynamic:
            ann.output = self.mode.act
        return ann, partition

    def linear(self):
        for node in self.g.nodes():
            if node.key != "aten::linear.default" or self.is_annotated([node]):
                continue
            ann, partition = self._weighted(node, with_output=True)
            self.set(node, ann)
            self.mark(partition)

    def _fused_relu(self, producer_keys):
        for relu in self.g.nodes():
            if relu.key not in RELU_KEYS:
                continue
            src = _first_arg(relu)
            op = self.g.producer(src) if isinstance(src, Value) else None
            if op is None or op.key not in producer_keys or self.n_users(op.outputs[0]) > 1:
                continue
            ann, partition = self._weighted(op, with_output=False)
            partition = [relu] + partition
            if self.is_annotated(partition):
                continue
            self.set(op, ann)
            self.set(relu, Annotation(output=self.mode.act))
            self.mark(partition)

    def linear_relu(self):
        self._fused_relu({"aten::linear.default"})

    def conv(self):
        for node in self.g.nodes():
            if node.key not in CONV_KEYS:
                continue
            users = self.g.users(node.outputs[0])
            if len(users) == 1 and isinstance(users[0], Node) and users[0].key in RELU_KEYS:
                continue  # left to conv_relu
            ann, partition = self._weighted(node, with_output=True)
            if self.is_annotated(partition):
                continue
            self.set(node, ann)
            self.mark(partition)

    def conv_relu(self):
        self._fused_relu(CONV_KEYS)

    def adaptive_avg_pool2d(self):
        for pool in self.g.nodes():
            if pool.key != "aten::adaptive_avg_pool2d.default" or self.is_annotated([pool]):
                continue
            src = pool.args["self"]
            prev = self.get(self.fx_node(src))
            if prev is None or not prev.annotated or prev.output is None:
                in_spec = self.mode.act
            else:
                in_spec = Shared(("node", src))
            self.set(pool, Annotation(inputs=[(src, in_spec)],
                                      output=Shared(("edge", src, pool))))

    def _binary(self, keys, fused_relu: bool):
        for node in self.g.nodes():
            if fused_relu:
                if node.key not in RELU_KEYS:
                    continue
                relu = node
                src = _first_arg(relu)
                op = self.g.producer(src) if isinstance(src, Value) else None
                if op is None or op.key not in keys or self.n_users(op.outputs[0]) > 1:
                    continue
                partition = [relu, op]
            else:
                if node.key not in keys:
                    continue
                relu, op = None, node
                partition = [op]
            if self.is_annotated(partition):
                continue
            ann, skip = Annotation(), False
            for name in ("self", "other"):
                v = op.args[name]
                if isinstance(v, Value):
                    if self.large_scalar(v) or not self.is_float(v):
                        skip = True
                        break
                    ann.set_input(v, self.mode.act)
            if skip:
                continue
            if fused_relu:
                self.set(op, ann)
                self.set(relu, Annotation(output=self.mode.act))
            else:
                ann.output = self.mode.act
                self.set(op, ann)

    def add_relu(self):
        self._binary(ADD_KEYS, True)

    def add(self):
        self._binary(ADD_KEYS, False)

    def mul_relu(self):
        self._binary(MUL_KEYS, True)

    def mul(self):
        self._binary(MUL_KEYS, False)

    def cat(self):
        for node in self.g.nodes():
            if node.key != "aten::cat.default" or self.is_annotated([node]):
                continue
            tensors = node.args["tensors"]
            ann = Annotation()
            first = tensors[0]
            if isinstance(first, Value):
                ann.set_input(first, self.mode.act)
            shared = Shared(("edge", first, node))
            for v in tensors[1:]:
                if not ann.input_spec(v)[0]:
                    ann.set_input(v, shared)
            ann.output = shared
            self.set(node, ann)

    def propagate(self):
        """propagate_annotation: shared-qparams ops after an annotated output."""
        for node in self.g.nodes():
            if node.key not in SHARE_QPARAMS_KEYS:
                continue
            src = _first_arg(node)
            if not isinstance(src, Value):
                continue
            prev = self.get(self.fx_node(src))
            if prev is None or prev.output is None:
                continue
            if id(node) in self.marked:
                continue
            shared = Shared(("node", src))
            self.set(node, Annotation(inputs=[(src, shared)], output=shared))

    def run(self) -> Dict[int, Annotation]:
        if self.mode.dynamic:
            order = ["linear"]  # XNNPACKQuantizer.DYNAMIC_OPS
        else:
            order = ["linear_relu", "linear", "conv", "conv_relu", "adaptive_avg_pool2d",
                     "add_relu", "add", "mul_relu", "mul", "cat"]
        for name in order:
            getattr(self, name)()
        self.propagate()
        return self.ann


# --------------------------------------------------------------------------------------------
# 4. prepare (pt2e prepare.py): groups of shared observers, observer insertion

class _UnionFind:
    def __init__(self):
        self.parent: Dict[Tuple, Tuple] = {}

    def add(self, k):
        self.parent.setdefault(k, k)

    def find(self, k):
        while self.parent[k] != k:
            k = self.parent[k]
        return k

    def union(self, parent, child):
        """Point the root of `child` at the root of `parent` (prepare.py's _union)."""
        self.parent[self.find(child)] = self.find(parent)


def _edge(v: Value, node: Node) -> Tuple:
    return ("edge", id(v), id(node))


def _out(v: Value) -> Tuple:
    return ("node", id(v))


def _target_key(t: Tuple) -> Tuple:
    return ("node", id(t[1])) if t[0] == "node" else ("edge", id(t[1]), id(t[2]))


@dataclass
class Prepared:
    graph: Graph
    state: State
    groups: Dict[Tuple, int]  # edge/node key -> group id
    specs: Dict[int, QSpec]  # group id -> root spec
    annotations: Dict[int, Annotation]
    observers: Dict[int, Any] = field(default_factory=dict)


def prepare(g: Graph, st: State, ann: Dict[int, Annotation]) -> Prepared:
    # _get_edge_or_node_to_qspec, in graph order: each node's input edges, then its output.
    qspecs: Dict[Tuple, Any] = {}
    for node in g.nodes():
        a = ann.get(id(node))
        if a is None:
            continue
        for v, spec in a.inputs:
            if spec is not None:
                qspecs[_edge(v, node)] = spec
        if a.output is not None:
            qspecs[_out(node.outputs[0])] = a.output

    uf = _UnionFind()
    for k in qspecs:
        uf.add(k)

    def unwrap(spec):
        while isinstance(spec, Shared):
            spec = qspecs[uf.find(_target_key(spec.target))]
        return spec

    def same_attrs(s1, s2):
        return all(getattr(s1, f) == getattr(s2, f)
                   for f in ("dtype", "is_dynamic", "quant_min", "quant_max", "qscheme"))

    def union_input_edge_with(edge, edge_root_spec, other):
        if other not in qspecs:
            return
        root_spec = unwrap(qspecs[other])
        if root_spec is not None and same_attrs(root_spec, edge_root_spec):
            uf.union(other, edge)

    edges = {k: None for k in qspecs}
    for node in g.nodes():  # recover (value, node) of each edge key
        a = ann.get(id(node))
        if a is not None:
            for v, _ in a.inputs:
                edges[_edge(v, node)] = (v, node)
    for k, spec in qspecs.items():
        if k[0] == "node":
            if isinstance(spec, Shared):
                uf.union(_target_key(spec.target), k)
            continue
        v, node = edges[k]
        root_spec = unwrap(spec)
        # implicit sharing: first the producer's other users, then the producer's output
        for user in g.users(v):
            if user is node or user == "output":
                continue
            union_input_edge_with(k, root_spec, _edge(v, user))
        union_input_edge_with(k, root_spec, _out(v))
        if isinstance(spec, Shared):
            uf.union(_target_key(spec.target), k)

    groups, specs, root_ids = {}, {}, {}
    for k in qspecs:
        root = uf.find(k)
        if root not in root_ids:
            root_ids[root] = len(root_ids)
            specs[root_ids[root]] = unwrap(qspecs[root])
        groups[k] = root_ids[root]
    prep = Prepared(g, st, groups, specs, ann)

    # Observer insertion, node by node in the order before observation.
    observe_input: Dict[int, Value] = {}  # id(observer output) -> observed value

    def new_observer(v: Value, group: int) -> Node:
        out = Value("observe")
        out.meta = v.meta
        node = Node(OBSERVE, {"self": v}, [out], meta={"group": group, "module_stack": []})
        observe_input[id(out)] = v
        return node

    for node in list(g.nodes()):
        a = ann.get(id(node))
        if a is None:
            continue
        for name in [x.name for x in node.schema.arguments]:
            value = node.args[name]
            items = value if isinstance(value, list) else [value]
            new_items = []
            for arg in items:
                if not isinstance(arg, Value):
                    new_items.append(arg)
                    continue
                original = arg
                while id(original) in observe_input:
                    original = observe_input[id(original)]
                edge = _edge(original, node)
                if edge not in groups:
                    new_items.append(arg)
                    continue
                group = groups[edge]
                if groups.get(_out(original)) == group:
                    new_items.append(arg)  # the producer's output observer, already in place
                    continue
                reuse = next((u for u in g.users(arg) if isinstance(u, Node)
                              and u.schema is OBSERVE and u.meta["group"] == group), None)
                if reuse is not None:
                    new_items.append(reuse.outputs[0])
                    continue
                obs = new_observer(arg, group)
                g.insert_after(g.position_of(arg), obs)
                new_items.append(obs.outputs[0])
            node.args[name] = new_items if isinstance(value, list) else new_items[0]
        if a is not None and _out(node.outputs[0]) in groups and \
                isinstance(node.outputs[0], Value):
            out = node.outputs[0]
            obs = new_observer(out, groups[_out(out)])
            g.insert_after(node, obs)
            g.replace_uses(out, obs.outputs[0], except_node=obs)
    prep.observers = {gid: make_observer(spec) for gid, spec in specs.items()}
    return prep


def prepared_program(prep: Prepared, base: Program) -> Program:
    """A runnable Program of the prepared graph (observers as kiln::observe nodes)."""
    prep.graph.commit()
    return _program_with_state(base, prep.graph.prog.nodes, prep.graph.prog.outputs, prep.state)


def calibrate(prep: Prepared, prog: Program, inputs_list) -> None:
    def override(node, args):
        if node.schema is not OBSERVE:
            return None
        obs = prep.observers[node.meta["group"]]
        if obs is not None:
            obs(args["self"].detach())
        return [args["self"]]

    with torch.no_grad():
        for inputs in inputs_list:
            aten_eval.run_program(prog, inputs, grad=False, override=override)


# --------------------------------------------------------------------------------------------
# 6. convert (convert_pt2e)

class _Builder:
    def __init__(self, table: schemas.SchemaTable):
        self.table = table

    def node(self, key: str, args: Dict[str, Any], n_out: int = 1, like_stack=None) -> Node:
        s = self.table.lookup(key)
        full, missing = complete_arguments(s, args)
        if missing:
            raise QuantizeError("%s: no value for %s" % (key, missing))
        outs = [Value(s.name) for _ in range(n_out)]
        return Node(s, full, outs, meta={"module_stack": list(like_stack or [])})


Q_KEYS = {"quantized_decomposed::quantize_per_tensor.default",
          "quantized_decomposed::quantize_per_tensor.tensor",
          "quantized_decomposed::quantize_per_channel.default"}
DQ_STATIC_KEYS = {"quantized_decomposed::dequantize_per_tensor.default",
                  "quantized_decomposed::dequantize_per_channel.default"}


def convert(prep: Prepared, table: schemas.SchemaTable) -> Dict[str, Any]:
    g, st = prep.graph, prep.state
    b = _Builder(table)
    stats = {"groups": len(prep.specs), "observers": 0}
    for obs_node in [n for n in g.nodes() if n.schema is OBSERVE]:
        stats["observers"] += 1
        group = obs_node.meta["group"]
        spec = prep.specs[group]
        x = obs_node.args["self"]
        common = {"quant_min": spec.quant_min, "quant_max": spec.quant_max, "dtype": spec.dtype}
        new_nodes = []
        if spec.is_dynamic:
            cq = b.node("quantized_decomposed::choose_qparams.tensor",
                        dict(input=x, eps=DYNAMIC_EPS, **common), n_out=2)
            scale, zp = cq.outputs
            q = b.node("quantized_decomposed::quantize_per_tensor.tensor",
                       dict(input=x, scale=scale, zero_point=zp, **common))
            dq = b.node("quantized_decomposed::dequantize_per_tensor.tensor",
                        dict(input=q.outputs[0], scale=scale, zero_point=zp, **common))
            new_nodes = [cq, q, dq]
        else:
            scale, zp = prep.observers[group].calculate_qparams()
            if spec.qscheme == "per_channel_symmetric":
                s_fqn = st.new_name("_scale_")
                s_val = st.add(s_fqn, "buffer", scale.detach().clone())
                z_fqn = st.new_name("_zero_point_")
                z_val = st.add(z_fqn, "buffer", zp.detach().clone())
                qargs = dict(scales=s_val, zero_points=z_val, axis=0, **common)
                q = b.node("quantized_decomposed::quantize_per_channel.default",
                           dict(input=x, **qargs))
                dq = b.node("quantized_decomposed::dequantize_per_channel.default",
                            dict(input=q.outputs[0], **qargs))
            else:
                qargs = dict(scale=float(scale), zero_point=int(zp), **common)
                q = b.node("quantized_decomposed::quantize_per_tensor.default",
                           dict(input=x, **qargs))
                dq = b.node("quantized_decomposed::dequantize_per_tensor.default",
                            dict(input=q.outputs[0], **qargs))
            new_nodes = [q, dq]
        for n in reversed(new_nodes):
            g.insert_after(obs_node, n)
        dq.meta["qdq_group"] = group
        g.replace_uses(obs_node.outputs[0], dq.outputs[0])
        g.remove(obs_node)

    stats["dq_copies"] = _duplicate_dq(g, prep.annotations)
    stats["folded"] = _fold_quantize(g, st, table)
    _dead_code(g)
    return stats


def _duplicate_dq(g: Graph, ann: Dict[int, Annotation]) -> int:
    """DuplicateDQPass: one dequantize per annotated user (static quantization only)."""
    copies = 0
    for dq in [n for n in g.nodes() if n.key in DQ_STATIC_KEYS]:
        users = g.users(dq.outputs[0])
        if len(users) <= 1:
            continue
        for user in users:
            a = ann.get(id(user)) if isinstance(user, Node) else None
            if a is None or not a.valid:
                continue
            copy = Node(dq.schema, dict(dq.args), [Value("dequantize")], meta=dict(dq.meta))
            g.insert_after(dq, copy)
            user.args = {k: _replace_in(v, dq.outputs[0], copy.outputs[0])
                         for k, v in user.args.items()}
            copies += 1
    return copies


def _fold_quantize(g: Graph, st: State, table) -> int:
    """constant_fold(model, _quant_node_constraint): quantize nodes of lifted state only."""
    folded = 0
    for q in [n for n in g.nodes() if n.key in Q_KEYS]:
        inputs = q.input_values()
        fqns = [st.fqn_of(v) for v in inputs]
        if any(f is None for f in fqns):
            continue
        args = {k: (st.tensors[st.fqn_of(v)] if isinstance(v, Value) else v)
                for k, v in q.args.items()}
        with torch.no_grad():
            value = aten_eval.call(q.schema, args)[0].detach()
        fqn = st.new_name("_frozen_param")
        g.replace_uses(q.outputs[0], st.add(fqn, "buffer", value))
        g.remove(q)
        folded += 1
        for v, f in zip(inputs, fqns):
            # erased get_attr: a top-level attribute is deleted, a nested one stays
            if "." not in f and not g.users(v) and f in st.kinds:
                st.delete(f)
    return folded


def _dead_code(g: Graph) -> None:
    from graph_ir import is_mutating

    while True:
        live = {id(v) for v in g.prog.outputs}
        for n in g.nodes():
            live.update(id(v) for v in n.input_values())
        dead = [n for n in g.nodes() if not is_mutating(n.schema)
                and not any(id(v) in live for v in n.output_values())]
        if not dead:
            return
        for n in dead:
            g.remove(n)


# --------------------------------------------------------------------------------------------
# 7. The state as the re-export lifts it

class _Module:
    def __init__(self):
        self.params: Dict[str, str] = {}  # leaf -> fqn
        self.buffers: Dict[str, str] = {}
        self.children: Dict[str, "_Module"] = {}


def module_state_order(st: State, assigned: List[str]):
    """(parameters, buffers, state_dict) FQN orders of the module tree that assigns `assigned`
    in turn (ep.module()'s _assign_attr, then prepare/convert's additions):
    named_parameters / named_buffers / state_dict all walk modules in pre-order, root first,
    children in creation order."""
    root = _Module()
    for fqn in assigned:
        *path, leaf = fqn.split(".")
        m = root
        for p in path:
            m = m.children.setdefault(p, _Module())
        if st.kinds[fqn] == "parameter":
            m.params[leaf] = fqn
        else:
            m.buffers[leaf] = fqn
    params, buffers, state = [], [], []

    def walk(m):
        params.extend(m.params.values())
        buffers.extend(m.buffers.values())
        state.extend(m.params.values())
        state.extend(f for f in m.buffers.values() if st.persistent[f])
        for c in m.children.values():
            walk(c)

    walk(root)
    return params, buffers, state


def _program_with_state(base: Program, nodes, outputs, st: State) -> Program:
    order = list(st.kinds)  # assignment order
    params, buffers, state_order = module_state_order(
        st, [f for f in order if st.kinds[f] in ("parameter", "buffer")])
    consts = [f for f in order if st.kinds[f] == "tensor_constant"]
    specs = []
    for f in params:
        specs.append(InputSpec("parameter", st.values[f], f))
    for f in buffers:
        specs.append(InputSpec("buffer", st.values[f], f, st.persistent[f]))
    for f in consts:
        specs.append(InputSpec("tensor_constant", st.values[f], f))
    specs += [s for s in base.input_specs if s.kind == "user_input"]
    state_dict = {f: st.tensors[f] for f in state_order}
    constants = {f: st.tensors[f] for f in buffers + consts if f not in state_dict}
    return Program(ir=base.ir, input_specs=specs, nodes=list(nodes), outputs=list(outputs),
                   state_dict=state_dict, constants=constants,
                   example_inputs=base.example_inputs, forward_arg_names=base.forward_arg_names,
                   module_hierarchy=base.module_hierarchy, out_is_tuple=base.out_is_tuple)


# --------------------------------------------------------------------------------------------
# The whole flow

# Operators whose treatment by the real flow is not reproduced: refused rather than
# written in a form the real quantizer would not produce.
NOT_EMULATED = {
    "aten::gru.input": "XNNPACKQuantizer's gru_io_only annotation and torch 2.9's recurrent "
                       "decompositions of a quantized graph are not emulated",
    "aten::lstm.input": "torch 2.9's recurrent decompositions of a quantized graph are not "
                        "emulated",
}
NOT_EMULATED.update({k: "the conv_transpose annotators (weights per channel on axis 1) are "
                        "not emulated" for k in CONV_TRANSPOSE_KEYS})


@dataclass
class Result:
    program: Program
    stats: Dict[str, Any]


def quantize(prog: Program, mode_name: str, calibration_inputs, table: schemas.SchemaTable) -> Result:
    """The quantized training-IR Program of a captured, rewritten training-IR Program whose
    values carry meta (export.propagate_meta). `prog` is not modified."""
    if prog.ir != "training":
        raise QuantizeError("quantization annotates the training IR (got %s)" % prog.ir)
    mode = MODES[mode_name]
    unsupported = sorted({n.key for n in prog.nodes if n.key in NOT_EMULATED})
    if unsupported:
        raise QuantizeError("%s: %s" % (", ".join(unsupported), "; ".join(
            sorted({NOT_EMULATED[k] for k in unsupported}))))
    prog = _copy_program(prog)
    st = State.of(prog)
    g = Graph(prog)
    stats: Dict[str, Any] = {"mode": mode.name}
    stats["bn_folded"] = fold_conv_bn(g, st)
    stats["scalars_to_attrs"] = convert_scalars_to_attrs(g, st)
    g.commit()
    ann = Annotator(g, st, mode).run()
    prep = prepare(g, st, ann)
    runnable = prepared_program(prep, prog)
    calibrate(prep, runnable, calibration_inputs)
    g.prog = runnable
    g.order = [("ph", s.value) for s in runnable.input_specs] + list(runnable.nodes)
    stats.update(convert(prep, table))
    g.commit()
    out = _program_with_state(prog, g.prog.nodes, g.prog.outputs, st)
    for n in out.nodes:
        n.name = None
    return Result(out, stats)


def _copy_program(prog: Program) -> Program:
    """A copy whose nodes (and argument dicts) can be changed; Values are shared."""
    nodes = [Node(n.schema, dict(n.args), list(n.outputs), dict(n.meta), n.name)
             for n in prog.nodes]
    return Program(ir=prog.ir, input_specs=list(prog.input_specs), nodes=nodes,
                   outputs=list(prog.outputs), state_dict=dict(prog.state_dict),
                   constants=dict(prog.constants), example_inputs=prog.example_inputs,
                   forward_arg_names=list(prog.forward_arg_names),
                   module_hierarchy=list(prog.module_hierarchy), out_is_tuple=prog.out_is_tuple)


def op_counts(prog: Program) -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for n in prog.nodes:
        counts[n.key] = counts.get(n.key, 0) + 1
    return counts


# --------------------------------------------------------------------------------------------
# Core IR: run_decompositions() of the quantized program

_LIBRARY = None


def _register_quantized_ops(table: schemas.SchemaTable) -> None:
    """Define the quantized_decomposed operators the graph uses in torch 1.13 as opaque
    CompositeExplicitAutograd operators running aten_eval's implementations, so that make_fx
    records each as one node."""
    global _LIBRARY
    if _LIBRARY is not None:
        return
    from torch.library import Library

    lib = Library("quantized_decomposed", "DEF")
    for key in sorted(aten_eval.COMPAT):
        if not key.startswith("quantized_decomposed::"):
            continue
        s = table.lookup(key)
        text = s.text.split("::", 1)[1]
        lib.define(text)
        fn = aten_eval.COMPAT[key]

        def impl(*args, _s=s, _fn=fn, **kwargs):
            positional = [a for a in _s.arguments if not a.kwarg_only]
            named = {a.name: v for a, v in zip(positional, args)}
            named.update(kwargs)
            for a in _s.arguments:
                if a.name not in named:
                    named[a.name] = default_to_torch(a.default)
            return _fn(named)

        lib.impl(s.name + ("." + s.overload if s.overload else ""), impl,
                 "CompositeExplicitAutograd")
    _LIBRARY = lib


def _core_call(node: Node, args: Dict[str, Any]):
    """One training-IR node, called so that make_fx records what 2.9's run_decompositions
    leaves: the quantized operators whole, eval dropout as clone (torch/_decomp), in-place
    eval dropout as nothing, everything else through torch 1.13's kernels."""
    if node.schema.namespace == "quantized_decomposed":
        op = getattr(getattr(torch.ops.quantized_decomposed, node.schema.name),
                     node.schema.overload_name)
        positional = [args[a.name] for a in node.schema.arguments if not a.kwarg_only]
        kwargs = {a.name: args[a.name] for a in node.schema.arguments if a.kwarg_only}
        res = op(*positional, **kwargs)
        return list(res) if len(node.schema.returns) > 1 else [res]
    if node.key == "aten::dropout.default" and not args["train"]:
        return [args["input"].clone()]
    if node.key == "aten::dropout_.default" and not args["train"]:
        return [args["self"]]
    return aten_eval.call(node.schema, args)


def to_core(qprog: Program, table: schemas.SchemaTable) -> Program:
    """The core ATen IR Program of a quantized training-IR Program (capture.capture_core's
    FX -> Program conversion on a make_fx trace of the training graph)."""
    import capture
    from functorch import functionalize, make_fx

    _register_quantized_ops(table)
    lifted = [s for s in qprog.input_specs if s.kind != "user_input"]
    state = [qprog.state_dict[s.target] if s.target in qprog.state_dict
             else qprog.constants[s.target] for s in lifted]
    flat = [t.detach() for t in state] + list(qprog.example_inputs)
    specs = list(qprog.input_specs)
    stamp = capture._ModuleStackRecorder(torch.nn.Module())

    def f(*flat_args):
        env = {id(s.value): t for s, t in zip(specs, flat_args)}

        def resolve(x):
            if isinstance(x, Value):
                return env[id(x)]
            if isinstance(x, list):
                return [resolve(e) for e in x]
            return x

        for node in qprog.nodes:
            stamp.stack = list(node.meta.get("module_stack") or [])
            results = _core_call(node, {k: resolve(v) for k, v in node.args.items()})
            for out, r in zip(node.outputs, results):
                if isinstance(out, Value):
                    env[id(out)] = r
                elif isinstance(out, list):
                    for v, t in zip(out, r):
                        env[id(v)] = t
        stamp.stack = []
        outs = [env[id(v)] for v in qprog.outputs]
        return tuple(outs) if qprog.out_is_tuple or len(outs) != 1 else outs[0]

    with stamp.active():
        gm = make_fx(functionalize(f))(*flat)
    core = Program(ir="core", input_specs=[InputSpec(s.kind, Value(s.value.debug), s.target,
                                                     s.persistent) for s in lifted],
                   nodes=[], outputs=[], state_dict=dict(qprog.state_dict),
                   constants=dict(qprog.constants), example_inputs=qprog.example_inputs,
                   forward_arg_names=list(qprog.forward_arg_names),
                   module_hierarchy=list(qprog.module_hierarchy))
    user_specs = [InputSpec("user_input", Value(s.target), s.target)
                  for s in qprog.input_specs if s.kind == "user_input"]
    capture.program_from_fx(core, gm, flat, user_specs, {})
    core.out_is_tuple = qprog.out_is_tuple
    return core

