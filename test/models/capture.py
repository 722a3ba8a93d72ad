#!/usr/bin/env python3
"""Capture a PyTorch module as a graph_ir.Program with torch 1.13's own operators.

torch 1.13 has no torch.export, so each IR comes from the 1.13 mechanism closest to it
(see DESIGN.md §6); rewrite.py then turns 1.13's operators and argument layouts into
those of torch >= 2.9.

* core (what `ep.run_decompositions()` gives): `make_fx(functionalize(f))` with real
  tensors, where `f` calls the module through `functional_call` with its parameters and
  buffers passed as inputs, so that they become placeholders. This records post-dispatch,
  functional ATen ops (`convolution`, `native_batch_norm` + getitem, `t` + `addmm`,
  `_reshape_alias`, ...).
* training (default `torch.export.export`, pre-dispatch): `torch.jit.trace` of the eval
  module, inlined. The tracer records ATen ops before autograd and before most composite
  decompositions (`linear`, `batch_norm`, `max_pool2d`, `adaptive_avg_pool2d`, `flatten`,
  `dropout`, in-place `relu_`), which is the granularity of the training IR; the tracer's
  special cases (`_convolution` for every convolution) are undone by rewrite.py. Shape
  arithmetic the tracer records (`aten::size`, `prim::NumToTensor`, `aten::Int`) is folded
  into constants, as export does for static shapes. After an in-place op, later uses of
  its `self` refer to the op's result, as in an FX graph.

Both produce nodes whose schemas are torch 1.13's, with complete argument dicts.
"""

import contextlib
from typing import Any, Dict, List, Tuple

import torch
import torch.fx

import aten_eval
import decomp29
import schemas
from graph_ir import InputSpec, Node, Program, Value
from torch_enums import default_to_torch


class CaptureError(Exception):
    pass


def _qualname(cls) -> str:
    return "%s.%s" % (cls.__module__, cls.__qualname__)


def _module_hierarchy(model: torch.nn.Module) -> List[Tuple[str, str]]:
    return [(fqn, _qualname(type(m))) for fqn, m in model.named_modules()]


def _state(model: torch.nn.Module):
    """Parameters, then buffers (persistent flag), as torch.export lifts them."""
    params = list(model.named_parameters())
    buffers = []
    for fqn, b in model.named_buffers():
        owner_name, _, leaf = fqn.rpartition(".")
        owner = model.get_submodule(owner_name) if owner_name else model
        buffers.append((fqn, b, leaf not in owner._non_persistent_buffers_set))
    return params, buffers


def _forward_arg_names(model: torch.nn.Module, n: int) -> List[str]:
    import inspect

    names = [p.name for p in inspect.signature(model.forward).parameters.values()
             if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(names) < n:
        raise CaptureError("forward() takes fewer positional arguments than inputs given")
    return names[:n]


def _base_program(ir: str, model, inputs):
    params, buffers = _state(model)
    specs, state_dict, constants = [], {}, {}
    for fqn, p in params:
        specs.append(InputSpec("parameter", Value(fqn), fqn))
        state_dict[fqn] = p
    for fqn, b, persistent in buffers:
        specs.append(InputSpec("buffer", Value(fqn), fqn, persistent))
        (state_dict if persistent else constants)[fqn] = b
    # ExportedProgram.state_dict follows module.state_dict() order.
    order = list(model.state_dict(keep_vars=True).keys())
    state_dict = {k: state_dict[k] for k in order if k in state_dict}
    arg_names = _forward_arg_names(model, len(inputs))
    user_specs = [InputSpec("user_input", Value(n), n) for n in arg_names]
    prog = Program(ir=ir, input_specs=specs, nodes=[], outputs=[], state_dict=state_dict,
                   constants=constants, example_inputs=tuple(inputs),
                   forward_arg_names=arg_names, module_hierarchy=_module_hierarchy(model))
    return prog, params, buffers, user_specs


def _tensor_attributes(model: torch.nn.Module) -> Dict[int, str]:
    """data_ptr -> FQN of plain tensor attributes (neither parameter nor buffer)."""
    out = {}
    for prefix, mod in model.named_modules():
        for name, value in vars(mod).items():
            if isinstance(value, torch.Tensor) and not isinstance(value, torch.nn.Parameter):
                out[value.data_ptr()] = (prefix + "." if prefix else "") + name
    return out


def _add_constant(prog: Program, const_specs: List[InputSpec], tensor, attrs=None) -> Value:
    """Lift a tensor constant as torch.export's lift_constants_pass does: a tensor attribute
    keeps its FQN, anything else becomes lifted_tensor_<n>; one input per distinct tensor."""
    for spec in const_specs:
        if prog.constants[spec.target] is tensor:
            return spec.value
    fqn = (attrs or {}).get(tensor.data_ptr()) if tensor.numel() else None
    if fqn is None:
        fqn = "lifted_tensor_%d" % sum(1 for s in const_specs if s.target.startswith("lifted_tensor_"))
    spec = InputSpec("tensor_constant", Value(fqn), fqn)
    const_specs.append(spec)
    prog.constants[fqn] = tensor
    return spec.value


def _bind(schema: schemas.Schema, args, kwargs, convert) -> Dict[str, Any]:
    """Complete argument dict of a call, defaults filled from `schema`."""
    out: Dict[str, Any] = {}
    positional = [a for a in schema.arguments if not a.kwarg_only]
    if len(args) > len(positional):
        raise CaptureError("%s: %d positional arguments given" % (schema.key, len(args)))
    for a, v in zip(positional, args):
        out[a.name] = convert(v)
    for k, v in kwargs.items():
        out[k] = convert(v)
    for a in schema.arguments:
        if a.name not in out:
            if not a.has_default:
                raise CaptureError("%s: argument %r missing" % (schema.key, a.name))
            out[a.name] = default_to_torch(a.default)
    return {a.name: out[a.name] for a in schema.arguments}


def _arg_shapes(schema: schemas.Schema, concrete_args: Dict[str, Any]) -> Dict[str, Tuple[int, ...]]:
    """Shapes of the tensor arguments of a captured call (for rewrite rules)."""
    return {name: tuple(v.shape) for name, v in concrete_args.items() if isinstance(v, torch.Tensor)}


def _shape_only(r):
    """`r` with every tensor replaced by a meta tensor of its dtype, sizes and strides."""
    if isinstance(r, torch.Tensor):
        return torch.empty_strided(r.shape, r.stride(), dtype=r.dtype, device="meta")
    if isinstance(r, (list, tuple)):
        items = [_shape_only(x) for x in r]
        return items if isinstance(r, list) else tuple(items)
    return r


def _make_outputs(schema: schemas.Schema, result) -> List[Any]:
    results = aten_eval._normalize_result(schema, result)
    outs = []
    for r, ret in zip(results, schema.returns):
        if ret.type.is_list:
            outs.append([Value(schema.name) for _ in r])
        elif isinstance(r, torch.Tensor):
            outs.append(Value(schema.name))
        else:
            outs.append(None)
    return outs


# ----------------------------------------------------------------------------------------
# Core ATen: make_fx(functionalize(...))


class _ModuleStackRecorder:
    """Stamps every FX node created while a submodule runs with the module stack."""

    def __init__(self, model: torch.nn.Module):
        self.model = model
        self.stack: List[Tuple[str, str]] = []
        # functional_call swaps module classes while it runs; record the real ones now.
        self.types = {fqn: _qualname(type(m)) for fqn, m in model.named_modules()}

    def _push(self, fqn):
        def hook(mod, inp):
            self.stack.append((fqn, self.types[fqn]))

        return hook

    def _pop(self, mod, inp, out):
        self.stack.pop()

    @contextlib.contextmanager
    def active(self):
        handles = []
        for fqn, m in self.model.named_modules():
            if not fqn:
                continue
            handles.append(m.register_forward_pre_hook(self._push(fqn)))
            handles.append(m.register_forward_hook(self._pop))
        original = torch.fx.Graph.create_node
        recorder = self

        def create_node(graph, *a, **k):
            node = original(graph, *a, **k)
            node.meta["kiln_module_stack"] = list(recorder.stack)
            return node

        torch.fx.Graph.create_node = create_node
        try:
            yield
        finally:
            torch.fx.Graph.create_node = original
            for h in handles:
                h.remove()


@contextlib.contextmanager
def _dropout_as_in_2_9():
    """torch >= 2.x decomposes eval-mode aten.dropout into clone (torch/_decomp); 1.13's
    C++ kernel returns its input, which leaves no node. Make F.dropout clone instead.
    In-place dropout (aten.dropout_, nn.Dropout(inplace=True)) has no Python decomposition:
    its C++ kernel returns the input in eval mode, in 2.9 as in 1.13, so it leaves no node."""
    import torch.nn.functional as F

    original = F.dropout

    def dropout(input, p=0.5, training=True, inplace=False):
        if (training and p != 0) or inplace:
            return original(input, p, training, inplace)
        return input.clone()

    F.dropout = dropout
    try:
        yield
    finally:
        F.dropout = original


@contextlib.contextmanager
def _rnn_weights_follow_attributes(model: torch.nn.Module):
    """nn.RNNBase keeps its weights in a `_flat_weights` list, filled from its attributes
    when the module is built or an attribute is assigned; functional_call swaps attributes
    without assigning, so the list would still hold the module's own parameters (which the
    tracer would then see as constants). Refill it from the attributes at every call, and
    once more afterwards."""
    def refill(mod, *_):
        mod._flat_weights = [getattr(mod, n) if hasattr(mod, n) else None
                             for n in mod._flat_weights_names]

    modules = [m for m in model.modules() if isinstance(m, torch.nn.RNNBase)]
    handles = [m.register_forward_pre_hook(refill) for m in modules]
    try:
        yield
    finally:
        for h in handles:
            h.remove()
        for m in modules:
            refill(m)


def capture_core(model: torch.nn.Module, inputs: Tuple[torch.Tensor, ...]) -> Program:
    from functorch import functionalize, make_fx
    from torch.nn.utils.stateless import functional_call

    prog, params, buffers, user_specs = _base_program("core", model, inputs)
    names = [fqn for fqn, _ in params] + [fqn for fqn, _, _ in buffers]
    flat = [p.detach() for _, p in params] + [b for _, b, _ in buffers] + list(inputs)
    n_state = len(names)

    def f(*flat_args):
        return functional_call(model, dict(zip(names, flat_args[:n_state])),
                               tuple(flat_args[n_state:]))

    recorder = _ModuleStackRecorder(model)
    with recorder.active(), _dropout_as_in_2_9(), decomp29.composite_attention(), \
            decomp29.rnn_decompositions(), _rnn_weights_follow_attributes(model):
        gm = make_fx(functionalize(f))(*flat)
    return program_from_fx(prog, gm, flat, user_specs, _tensor_attributes(model))


def program_from_fx(prog: Program, gm, flat, user_specs: List[InputSpec],
                    attrs: Dict[int, str]) -> Program:
    """Fill `prog` (whose input_specs hold the lifted state, in the order of the first
    placeholders of `gm`) from a make_fx graph run on `flat`: one Node per OpOverload call,
    get_attr tensors lifted as constants (`attrs`: data_ptr -> FQN of tensor attributes),
    then the user inputs' specs."""
    # Concrete value of every FX node (list lengths of Tensor[] results, constants), its
    # tensors as shape-only stand-ins: the Interpreter frees each real result after its
    # last use (every activation of a large model at once would not fit in memory).
    concrete: Dict[torch.fx.Node, Any] = {}

    class _Record(torch.fx.Interpreter):
        def run_node(self, n):
            r = super().run_node(n)
            concrete[n] = _shape_only(r)
            return r

    _Record(gm).run(*flat)

    placeholder_values = [s.value for s in prog.input_specs] + [s.value for s in user_specs]
    const_specs: List[InputSpec] = []
    env: Dict[torch.fx.Node, Any] = {}
    ph = iter(placeholder_values)

    def convert(v):
        if isinstance(v, torch.fx.Node):
            return env[v]
        if isinstance(v, (list, tuple)):
            return [convert(x) for x in v]
        return v

    def concrete_arg(v):
        if isinstance(v, torch.fx.Node):
            return concrete[v]
        if isinstance(v, (list, tuple)):
            return [concrete_arg(x) for x in v]
        return v

    for n in gm.graph.nodes:
        if n.op == "placeholder":
            env[n] = next(ph)
        elif n.op == "get_attr":
            env[n] = _add_constant(prog, const_specs, getattr(gm, n.target), attrs)
        elif n.op == "call_function" and n.target is __import__("operator").getitem:
            env[n] = env[n.args[0]][n.args[1]]
        elif n.op == "call_function" and isinstance(n.target, torch._ops.OpOverload):
            schema = aten_eval.torch_schema(n.target)
            args = _bind(schema, n.args, n.kwargs, convert)
            outs = _make_outputs(schema, concrete[n])
            conc = _bind(schema, n.args, n.kwargs, lambda v: concrete_arg(v))
            node = Node(schema, args, outs, meta={
                "module_stack": n.meta.get("kiln_module_stack", []),
                "arg_shapes": _arg_shapes(schema, conc)})
            prog.nodes.append(node)
            env[n] = outs[0] if len(schema.returns) == 1 else outs
        elif n.op == "output":
            result = n.args[0]
            prog.out_is_tuple = isinstance(result, (list, tuple))
            result = result if isinstance(result, (list, tuple)) else [result]
            prog.outputs = [convert(r) for r in result]
        else:
            raise CaptureError("unexpected FX node %s (%s %s)" % (n.name, n.op, n.target))

    prog.input_specs = prog.input_specs + const_specs + user_specs
    return prog


# ----------------------------------------------------------------------------------------
# Training IR: torch.jit.trace


def _scope_to_stack(scope: str, model: torch.nn.Module) -> List[Tuple[str, str]]:
    """`__module.layer1/__module.layer1.0` -> [(layer1, type), (layer1.0, type)]."""
    stack = []
    for part in scope.split("/"):
        if not part.startswith("__module."):
            continue
        fqn = part[len("__module."):]
        try:
            mod = model.get_submodule(fqn)
        except AttributeError:
            continue
        stack.append((fqn, _qualname(type(mod))))
    return stack


# Ops the tracer records for shape arithmetic; with static shapes export folds them.
_FOLDABLE = {"aten::size", "prim::NumToTensor", "aten::Int", "aten::Float", "aten::ScalarImplicit",
             "prim::shape", "aten::dim", "aten::numel"}

# Factory functions: export records them as nodes (`torch.zeros(...)` in nn.GRU/nn.LSTM's
# forward is `aten.zeros.default`), although no graph tensor flows into them.
_FACTORIES = {"aten::zeros", "aten::ones", "aten::full", "aten::empty", "aten::arange",
              "aten::eye", "aten::linspace"}

# The tracer records enum arguments as c10's integers; the graph holds torch objects.
_C10_SCALAR_TYPES = [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64,
                     torch.float16, torch.float32, torch.float64, torch.complex32,
                     torch.complex64, torch.complex128, torch.bool, torch.qint8, torch.quint8,
                     torch.qint32, torch.bfloat16]
_C10_ENUMS = {
    "ScalarType": _C10_SCALAR_TYPES,
    "MemoryFormat": [torch.contiguous_format, torch.preserve_format, torch.channels_last,
                     torch.channels_last_3d],
    "Layout": [torch.strided, torch.sparse_coo, torch.sparse_csr, torch._mkldnn,
               torch.sparse_csc, torch.sparse_bsr, torch.sparse_bsc],
}


def _enum_argument(typ, value):
    """A c10 enum integer given for a ScalarType/MemoryFormat/Layout argument, as torch's."""
    table = _C10_ENUMS.get(typ.base)
    if table is None or typ.is_list or type(value) is not int:
        return value
    return table[value]


def capture_training(model: torch.nn.Module, inputs: Tuple[torch.Tensor, ...]) -> Program:
    prog, params, buffers, user_specs = _base_program("training", model, inputs)
    by_fqn = {s.target: s.value for s in prog.input_specs}
    tensors = dict(params)
    tensors.update({fqn: b for fqn, b, _ in buffers})

    # Traced with grad enabled, as torch.export traces (no_grad selects fused fast paths).
    with decomp29.composite_attention():
        traced = torch.jit.trace(model, tuple(inputs), check_trace=False)
    graph = traced.inlined_graph
    graph_inputs = list(graph.inputs())
    if len(graph_inputs) != len(inputs) + 1:
        raise CaptureError("traced graph has %d inputs for %d example inputs"
                           % (len(graph_inputs) - 1, len(inputs)))

    # env: jit Value (by unique id) -> (kind, IR value, concrete value) with kind
    #   "graph"  computed by the graph: IR Value (or list of them) and its tensor
    #   "const"  a constant of the program (prim::Constant, tensor attribute)
    #   "shape"  folded shape arithmetic (aten::size, NumToTensor, ...)
    #   "literal" a torch.tensor(...) literal (lifted as c_lifted_tensor_<n> where used)
    #   "wrapped" a Python number given for a Tensor argument (0-dim tensor constant)
    #   "module" a submodule, IR value = its FQN
    env: Dict[int, Tuple[str, Any, Any]] = {}
    env[graph_inputs[0].unique()] = ("module", "", None)
    for jv, spec, t in zip(graph_inputs[1:], user_specs, inputs):
        env[jv.unique()] = ("graph", spec.value, t)
    const_specs: List[InputSpec] = []
    attrs = _tensor_attributes(model)
    attr_tensors = {ptr: _get_attr(model, fqn) for ptr, fqn in attrs.items()}

    def lookup(jv):
        return env[jv.unique()]

    lifted_literals: Dict[int, Value] = {}
    lift_op = aten_eval.torch_op("aten", "lift_fresh_copy", "default")

    def graph_arg(entry):
        """An argument as the IR holds it: Value(s) for graph tensors, python otherwise."""
        kind, v, c = entry
        if kind == "graph":
            return v
        if kind == "wrapped":
            # A Python number the tracer wrapped into a 0-dim tensor (`x + 1`): export
            # records the number itself (`aten.add.Tensor(x, 1)`).
            return c.item()
        if kind == "literal" and isinstance(c, torch.Tensor):
            # export: c_lifted_tensor_<n> read through lift_fresh_copy at each torch.tensor().
            if id(c) not in lifted_literals:
                const = _add_constant(prog, const_specs, c, attrs)
                lift_schema = aten_eval.torch_schema(lift_op)
                out = Value("lift_fresh_copy")
                prog.nodes.append(Node(lift_schema, {"self": const}, [out], meta={
                    "module_stack": [], "arg_shapes": {"self": tuple(c.shape)}}))
                lifted_literals[id(c)] = out
            return lifted_literals[id(c)]
        if kind in ("const", "shape", "literal"):
            if isinstance(c, torch.Tensor):
                return _add_constant(prog, const_specs, c, attrs)
            if isinstance(c, (list, tuple)) and any(isinstance(x, torch.Tensor) for x in c):
                return [_add_constant(prog, const_specs, x, attrs) if isinstance(x, torch.Tensor) else x
                        for x in c]
            return c
        raise CaptureError("module object used as an operator argument")

    def concrete(entry):
        return entry[2]

    for jn in graph.nodes():
        kind = jn.kind()
        outs = list(jn.outputs())
        ins = list(jn.inputs())
        if kind == "prim::Constant":
            value = outs[0].toIValue()
            # The tracer turns tensor attributes and torch.tensor(...) literals alike into
            # constants; an attribute is recognised by its storage.
            kind_ = "const"
            if isinstance(value, torch.Tensor):
                attr = attr_tensors.get(value.data_ptr()) if value.numel() else None
                if attr is None or attr.shape != value.shape:
                    kind_ = "literal"
                    # The tracer records a Python number passed for a Tensor argument as a
                    # 0-dim int64/float64/bool constant used directly by the op; a
                    # torch.tensor(...) literal goes through aten::to and aten::detach
                    # first (which fold into a "literal").
                    if value.dim() == 0 and value.dtype in (torch.int64, torch.float64,
                                                            torch.bool):
                        kind_ = "wrapped"
            env[outs[0].unique()] = (kind_, None, value)
        elif kind == "prim::GetAttr":
            owner = lookup(ins[0])
            if owner[0] != "module":
                raise CaptureError("GetAttr on a non-module value")
            fqn = (owner[1] + "." if owner[1] else "") + jn.s("name")
            if fqn in by_fqn:
                env[outs[0].unique()] = ("graph", by_fqn[fqn], tensors[fqn])
            else:
                obj = _get_attr(model, fqn)
                if isinstance(obj, torch.nn.Module):
                    env[outs[0].unique()] = ("module", fqn, None)
                else:  # a plain tensor attribute: lifted as a constant where used
                    env[outs[0].unique()] = ("const", None, obj)
        elif kind in ("prim::ListConstruct", "prim::TupleConstruct"):
            entries = [lookup(i) for i in ins]
            if all(e[0] in ("const", "shape", "literal", "wrapped") for e in entries):
                k = "shape" if any(e[0] in ("shape", "literal", "wrapped")
                                   for e in entries) else "const"
                env[outs[0].unique()] = (k, None, [e[2] for e in entries])
            else:
                env[outs[0].unique()] = ("graph", [graph_arg(e) for e in entries],
                                         [concrete(e) for e in entries])
        elif kind in ("prim::ListUnpack", "prim::TupleUnpack"):
            k, v, c = lookup(ins[0])
            for i, o in enumerate(outs):
                env[o.unique()] = (k, v[i] if k == "graph" else None, c[i])
        elif kind == "aten::contiguous" and lookup(ins[0])[0] == "graph" and \
                lookup(ins[0])[2].is_contiguous(memory_format=_enum_argument(
                    schemas.parse_type("MemoryFormat"), lookup(ins[1])[2])):
            # The tracer records x.contiguous() on a contiguous x too; the dispatcher (and so
            # export) never sees that call (TensorBase::contiguous returns x itself).
            env[outs[0].unique()] = lookup(ins[0])
        elif kind.startswith("aten::") or kind in _FOLDABLE:
            entries = [lookup(i) for i in ins]
            op_schema = schemas.parse_schema(jn.schema()) if jn.schema() != "(no schema)" else None
            if op_schema is None:
                raise CaptureError("traced node %s has no schema" % kind)
            op = aten_eval.torch_op(op_schema.namespace, op_schema.name, op_schema.overload_name)
            if op is None:
                raise CaptureError("no torch op for %s" % op_schema.key)
            conc_args = [concrete(e) for e in entries]
            positional = [c for c, a in zip(conc_args, op_schema.arguments) if not a.kwarg_only]
            kw = {a.name: c for c, a in zip(conc_args, op_schema.arguments) if a.kwarg_only}
            with torch.no_grad():
                result = op(*positional, **kw)
            # Static shapes: shape arithmetic folds to constants, as in export. Ops on real
            # constant tensors (attributes, literals) stay in the graph on lifted constants.
            # The tracer's own handling of literals (aten::to, aten::detach on a
            # torch.tensor(...) constant) folds into the literal too.
            foldable = kind in _FOLDABLE or (kind not in _FACTORIES and not any(
                e[0] == "graph" or (e[0] == "const" and _has_tensor(e[2])) for e in entries))
            if foldable:
                literal = kind not in _FOLDABLE and any(e[0] in ("literal", "wrapped")
                                                         for e in entries)
                results = aten_eval._normalize_result(op_schema, result)
                for o, r in zip(outs, results):
                    env[o.unique()] = ("literal" if literal and isinstance(r, torch.Tensor)
                                       else "shape", None, r)
                continue
            args = {a.name: _enum_argument(a.type, graph_arg(e))
                    for a, e in zip(op_schema.arguments, entries)}
            node_outs = _make_outputs(op_schema, result)
            results = aten_eval._normalize_result(op_schema, result)
            conc = {a.name: c for a, c in zip(op_schema.arguments, conc_args)}
            node = Node(op_schema, args, node_outs,
                        meta={"module_stack": _scope_to_stack(jn.scopeName(), model),
                              "arg_shapes": _arg_shapes(op_schema, conc)})
            prog.nodes.append(node)
            for o, v, r in zip(outs, node_outs, results):
                env[o.unique()] = ("graph", v, r)
            if op_schema.is_inplace:
                # Later uses of the mutated tensor read the op's result (FX semantics).
                env[ins[0].unique()] = ("graph", node_outs[0], results[0])
        else:
            raise CaptureError("unsupported traced node kind %s" % kind)

    rets = list(graph.outputs())
    entry = lookup(rets[0])
    prog.out_is_tuple = isinstance(entry[1], list)
    values = entry[1] if isinstance(entry[1], list) else [entry[1]]
    if entry[0] != "graph" or not all(isinstance(v, Value) for v in values):
        raise CaptureError("model outputs must be tensors computed by the graph")
    prog.outputs = values
    prog.input_specs = prog.input_specs + const_specs + user_specs
    return prog


def _has_tensor(x) -> bool:
    if isinstance(x, torch.Tensor):
        return True
    return isinstance(x, (list, tuple)) and any(_has_tensor(e) for e in x)


def _get_attr(model, fqn):
    obj = model
    for part in fqn.split("."):
        obj = getattr(obj, part)
    return obj


CAPTURE = {"core": capture_core, "training": capture_training}
