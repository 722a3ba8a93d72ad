#!/usr/bin/env python3
"""Check export.py --quantize: the written `.pt2` holds PT2E's Q/DQ graph form (FORMATS.md §6).

    /usr/bin/python3 test/models/check_quantized.py [--cases model:mode:ir,...] [--keep DIR]

Exports each case (default: CASES, every mode in both IRs) into a temporary directory with
export.py, reads the archive back with pt2_reader (zipfile + json, not export.py's
in-memory graph) and checks, against FORMATS.md §6 and ExecuTorch's XNNPACK quantizer
configuration:

* node targets: only `torch.ops.aten.*` and the quantized_decomposed operators of the
  mode (static: quantize_per_tensor.default, dequantize_per_tensor.default, and
  dequantize_per_channel.default for int8 when the graph has a convolution or linear
  layer / none for int8-per-tensor; dynamic:
  choose_qparams.tensor, quantize_per_tensor.tensor, dequantize_per_tensor.tensor,
  dequantize_per_channel.default); no batch_norm left (folded into the convolutions);
* argument names, order and kinds: quantize/dequantize_per_tensor(input: as_tensor,
  scale: as_float > 0, zero_point: as_int in range, quant_min, quant_max: as_int,
  dtype: as_scalar_type 2 = int8); activations [-128, 127] (uint8 mode: [0, 255], dtype 1); weights [-127, 127], zero
  point 0; a dequantize carries its quantize's parameters; dequantize_per_channel(input,
  scales, zero_points: as_tensor, axis: as_int 0, -127, 127, 2); choose_qparams.tensor(x,
  -128, 127, eps as_float 2**-12, 2) with outputs float64 [1] and int64 [1] feeding
  quantize/dequantize_per_tensor.tensor; no out_dtype;
* lifted state: every int8 weight is a persistent buffer `_frozen_paramN` of dtype int8
  (tensor_values and the weights config say ScalarType 2) with values in [-127, 127];
  per-channel scales are float32 1-D buffers `_scale_N` with one entry per output channel,
  zero points int64 1-D buffers `_zero_point_N` of zeros;
* structure: every convolution / linear / addmm weight comes from a dequantize (through
  `permute` in the core IR); in static modes the user input is read only by a
  quantize_per_tensor, a quantize is read only by dequantizes, and every graph output is a
  dequantize_per_tensor; in the dynamic mode every linear (addmm) input comes from
  dequantize_per_tensor.tensor and the outputs are float;
* isolated models (qi_*): the operator under test reads dequantize(quantize(user input)),
  or, behind the one-tensor cat of the shared-parameter models, the dequantize of a
  quantize of that cat with the same scale and zero point; its output (through a fused
  relu) is quantized and dequantized as the graph output. q_add, an add of two convolution
  outputs, must fail this check (self-test, when q_add:int8:training is among the cases);
* numerics: reference.py (the command) on input_K.npy reproduces expected_K.npy exactly,
  and reference.run reproduces quant_inputs/expected_S_K.npy for S = 0..7 exactly.

First, aten_eval's quantized_decomposed kernels (shared by export.py and reference.py) are
checked against hand-computed values: ties to even, clamping, multiplication by
1.0 / scale (2.25 with scale 0.3 quantizes to 8, not to 7 as 2.25 / 0.3 would), per-channel
axis 0, dequantize formulas, and choose_qparams' rule including eps.

Before the cases, a self-test feeds the structural checker archives it must reject
(a weight dtype changed, a zero point changed, an activation range changed) so that a
checker that accepts everything fails. Exit status 1 naming every problem.
"""

import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import torch_python  # noqa: E402

torch_python.ensure()

import numpy as np  # noqa: E402
import torch  # noqa: E402

import export  # noqa: E402
import npy_dtypes  # noqa: E402
import reference  # noqa: E402
import schemas  # noqa: E402
from pt2_reader import open_archive, sym_int_value, union  # noqa: E402

CASES = [
    "small_cnn:int8:training", "small_cnn:int8:core", "kws_cnn:int8:training",
    "small_cnn:int8-per-tensor:training", "small_cnn:int8-per-tensor:core",
    "mlp:int8-dynamic:training", "mlp:int8-dynamic:core",
    "q_add:int8:training", "q_cat:int8:training", "q_relu6:int8-per-tensor:training",
    "q_depthwise_conv2d:int8:core", "q_linear:int8-dynamic:core",
    "qi_add:int8:training", "qi_max_pool2d:int8:training", "qi_conv2d:int8-per-tensor:training",
    "small_cnn:uint8:training", "qi_add:uint8:training",
]

QD = "torch.ops.quantized_decomposed."
Q = QD + "quantize_per_tensor.default"
DQ = QD + "dequantize_per_tensor.default"
DQ_CH = QD + "dequantize_per_channel.default"
CHOOSE = QD + "choose_qparams.tensor"
Q_T = QD + "quantize_per_tensor.tensor"
DQ_T = QD + "dequantize_per_tensor.tensor"
ALLOWED = {
    "int8": {Q, DQ, DQ_CH},
    "uint8": {Q, DQ, DQ_CH},
    "int8-per-tensor": {Q, DQ},
    "int8-dynamic": {CHOOSE, Q_T, DQ_T, DQ_CH},
}
UINT8, INT8, FLOAT32, FLOAT64, INT64 = 1, 2, 7, 8, 5  # torch.export serializer ScalarType
WEIGHTED = {"torch.ops.aten.conv1d.default": "weight", "torch.ops.aten.conv2d.default": "weight",
            "torch.ops.aten.convolution.default": "weight",
            "torch.ops.aten.linear.default": "weight", "torch.ops.aten.addmm.default": "mat2"}
EPS = 2.0 ** -12


class Checker:
    """Structural checks of one exported program (the JSON dict and its lifted tensors)."""

    def __init__(self, ep, state, mode, label):
        self.ep, self.state, self.mode, self.label = ep, state, mode, label
        # Activations: int8 [-128, 127], or uint8 [0, 255] in the uint8 mode.
        self.act_dtype, self.act_range = (UINT8, (0, 255)) if mode == "uint8" else (INT8, (-128, 127))
        self.problems = []
        g = ep["graph_module"]["graph"]
        self.nodes = g["nodes"]
        self.tv = g["tensor_values"]
        self.producer = {}
        for n in self.nodes:
            for out in n["outputs"]:
                kind, p = union(out)
                if kind == "as_tensor":
                    self.producer[p["name"]] = n
        self.users = {}
        for n in self.nodes:
            for a in n["inputs"]:
                for name in self._tensor_names(a["arg"]):
                    self.users.setdefault(name, []).append(n)
        self.lifted = {}  # placeholder name -> (kind, fqn, persistent)
        self.user_inputs = []
        for spec in ep["graph_module"]["signature"]["input_specs"]:
            kind, p = union(spec)
            if kind == "user_input":
                self.user_inputs.append(union(p["arg"])[1]["name"])
            elif kind == "parameter":
                self.lifted[p["arg"]["name"]] = (kind, p["parameter_name"], True)
            elif kind == "buffer":
                self.lifted[p["arg"]["name"]] = (kind, p["buffer_name"], p.get("persistent"))
            elif kind == "tensor_constant":
                self.lifted[p["arg"]["name"]] = (kind, p["tensor_constant_name"], None)
        self.outputs = [union(union(s)[1]["arg"])[1]["name"]
                        for s in ep["graph_module"]["signature"]["output_specs"]]

    @staticmethod
    def _tensor_names(arg):
        kind, p = union(arg)
        if kind == "as_tensor":
            return [p["name"]]
        if kind == "as_tensors":
            return [t["name"] for t in p]
        return []

    def fail(self, node, msg):
        where = node["name"] if isinstance(node, dict) else node
        self.problems.append("%s: %s: %s" % (self.label, where, msg))

    def meta(self, name):
        m = self.tv[name]
        return m["dtype"], [sym_int_value(s) for s in m["sizes"]]

    def args(self, node, names, kinds):
        """The node's arguments as {name: (kind, payload)}, checking names/order/kinds."""
        got = [a["name"] for a in node["inputs"]]
        if got != names:
            self.fail(node, "arguments %s, expected %s" % (got, names))
            return None
        out = {}
        for a, want in zip(node["inputs"], kinds):
            kind, p = union(a["arg"])
            if kind != want:
                self.fail(node, "argument %s is %s, expected %s" % (a["name"], kind, want))
                return None
            out[a["name"]] = p
        return out

    def qparams(self, node, a):
        if a["dtype"] not in (INT8, self.act_dtype):
            self.fail(node, "dtype as_scalar_type %r, expected %d" % (a["dtype"], self.act_dtype))
        lo, hi = a["quant_min"], a["quant_max"]
        if "scale" in a and isinstance(a["scale"], (int, float)):
            if not (a["scale"] > 0 and np.isfinite(a["scale"])):
                self.fail(node, "scale %r" % a["scale"])
            if not lo <= a["zero_point"] <= hi:
                self.fail(node, "zero_point %r outside [%d, %d]" % (a["zero_point"], lo, hi))
        return lo, hi

    def lifted_tensor(self, name):
        if name not in self.lifted:
            return None, None
        kind, fqn, persistent = self.lifted[name]
        return (kind, fqn, persistent), self.state.get(fqn)

    def int8_weight(self, node, name, per_channel_len=None):
        """An int8 weight constant: a persistent `_frozen_paramN` buffer with values in
        [-127, 127]."""
        info, t = self.lifted_tensor(name)
        if info is None:
            self.fail(node, "weight %s is not a lifted constant" % name)
            return
        kind, fqn, persistent = info
        if kind != "buffer" or persistent is not True or not fqn.startswith("_frozen_param"):
            self.fail(node, "weight %s is %s %s (persistent %r), expected a persistent buffer "
                      "_frozen_paramN" % (name, kind, fqn, persistent))
        if self.meta(name)[0] != INT8:
            self.fail(node, "weight %s has ScalarType %d in tensor_values, expected 2"
                      % (name, self.meta(name)[0]))
        if t is None or t.dtype != torch.int8:
            self.fail(node, "weight %s stored as %s, expected int8" % (name, getattr(t, "dtype", None)))
        elif int(t.min()) < -127 or int(t.max()) > 127:
            self.fail(node, "weight %s holds values outside [-127, 127]" % name)

    def check_dq_weight_or_activation(self, node, a):
        src = a["input"]["name"]
        lo, hi = self.qparams(node, a)
        if src in self.lifted:  # a weight
            if (lo, hi) != (-127, 127) or a["zero_point"] != 0 or a["dtype"] != INT8:
                self.fail(node, "weight dequantize range [%d, %d] zero point %d dtype %d, "
                          "expected [-127, 127], 0 and int8" % (lo, hi, a["zero_point"], a["dtype"]))
            self.int8_weight(node, src)
            return
        q = self.producer.get(src)
        if q is None or q["target"] != Q:
            self.fail(node, "dequantizes %s, which no quantize_per_tensor produces" % src)
            return
        qa = {x["name"]: union(x["arg"])[1] for x in q["inputs"]}
        for k in ("scale", "zero_point", "quant_min", "quant_max", "dtype"):
            if qa.get(k) != a[k]:
                self.fail(node, "%s %r differs from its quantize's %r" % (k, a[k], qa.get(k)))
        if (lo, hi) != self.act_range or a["dtype"] != self.act_dtype:
            self.fail(node, "activation range [%d, %d] dtype %d, expected %s and %d"
                      % (lo, hi, a["dtype"], list(self.act_range), self.act_dtype))

    def run(self):
        allowed = ALLOWED[self.mode]
        targets = {n["target"] for n in self.nodes}
        for t in sorted(targets):
            if t.startswith(QD) and t not in allowed:
                self.fail("graph", "operator %s does not belong to mode %s" % (t, self.mode))
            elif not t.startswith(QD) and not t.startswith("torch.ops.aten."):
                self.fail("graph", "operator %s" % t)
            if "batch_norm" in t:
                self.fail("graph", "%s left (batch norm must be folded)" % t)
        if not targets & set(WEIGHTED):
            allowed = allowed - {DQ_CH}  # no weights (add, cat, pooling, ...): no per channel
        for needed in sorted(allowed - targets):
            self.fail("graph", "no %s node" % needed)
        static = self.mode != "int8-dynamic"
        names5 = ["input", "scale", "zero_point", "quant_min", "quant_max", "dtype"]
        for n in self.nodes:
            t = n["target"]
            if t in (Q, DQ):
                a = self.args(n, names5, ["as_tensor", "as_float", "as_int", "as_int", "as_int",
                                         "as_scalar_type"])
                if a is None:
                    continue
                if t == Q:
                    lo, hi = self.qparams(n, a)
                    if (lo, hi) != self.act_range or a["dtype"] != self.act_dtype:
                        self.fail(n, "activation range [%d, %d] dtype %d" % (lo, hi, a["dtype"]))
                    if self.meta(a["input"]["name"])[0] != FLOAT32:
                        self.fail(n, "quantizes a non-float32 tensor")
                    if self.meta(n["name"])[0] != self.act_dtype:
                        self.fail(n, "output is not of the activation dtype in tensor_values")
                    for u in self.users.get(n["name"], []):
                        if u["target"] != DQ:
                            self.fail(n, "read by %s, expected only dequantize nodes" % u["target"])
                else:
                    self.check_dq_weight_or_activation(n, a)
                    if self.meta(n["name"])[0] != FLOAT32:
                        self.fail(n, "output is not float32")
            elif t == DQ_CH:
                a = self.args(n, ["input", "scales", "zero_points", "axis", "quant_min",
                                  "quant_max", "dtype"],
                              ["as_tensor"] * 3 + ["as_int"] * 3 + ["as_scalar_type"])
                if a is None:
                    continue
                lo, hi = self.qparams(n, a)
                if (lo, hi, a["axis"]) != (-127, 127, 0):
                    self.fail(n, "quant range [%d, %d] axis %d, expected [-127, 127] axis 0"
                              % (lo, hi, a["axis"]))
                w = a["input"]["name"]
                self.int8_weight(n, w)
                channels = self.meta(w)[1][0] if w in self.tv else None
                for arg, prefix, dtype in (("scales", "_scale_", FLOAT32),
                                           ("zero_points", "_zero_point_", INT64)):
                    name = a[arg]["name"]
                    info, tensor = self.lifted_tensor(name)
                    if info is None or info[0] != "buffer" or not info[1].startswith(prefix):
                        self.fail(n, "%s %s is not a lifted buffer %sN" % (arg, name, prefix))
                        continue
                    mdtype, sizes = self.meta(name)
                    if mdtype != dtype or sizes != [channels]:
                        self.fail(n, "%s %s is ScalarType %d %s, expected %d [%s]"
                                  % (arg, name, mdtype, sizes, dtype, channels))
                    if arg == "zero_points" and (tensor is None or bool(tensor.any())):
                        self.fail(n, "zero points %s are not all 0" % name)
                    if arg == "scales" and (tensor is None or not bool((tensor > 0).all())):
                        self.fail(n, "scales %s are not all positive" % name)
            elif t == CHOOSE:
                a = self.args(n, ["input", "quant_min", "quant_max", "eps", "dtype"],
                              ["as_tensor", "as_int", "as_int", "as_float", "as_scalar_type"])
                if a is None:
                    continue
                self.qparams(n, a)
                if (a["quant_min"], a["quant_max"], a["eps"]) != (-128, 127, EPS):
                    self.fail(n, "choose_qparams(%d, %d, eps %r), expected (-128, 127, 2**-12)"
                              % (a["quant_min"], a["quant_max"], a["eps"]))
                outs = [union(o)[1]["name"] for o in n["outputs"]]
                if [self.meta(o) for o in outs] != [(FLOAT64, [1]), (INT64, [1])]:
                    self.fail(n, "outputs %s, expected float64 [1] and int64 [1]"
                              % [self.meta(o) for o in outs])
            elif t in (Q_T, DQ_T):
                a = self.args(n, names5, ["as_tensor"] * 3 + ["as_int"] * 2 + ["as_scalar_type"])
                if a is None:
                    continue
                self.qparams(n, a)
                for arg in ("scale", "zero_point"):
                    p = self.producer.get(a[arg]["name"])
                    if p is None or p["target"] != CHOOSE:
                        self.fail(n, "%s does not come from choose_qparams.tensor" % arg)
                if t == DQ_T:
                    p = self.producer.get(a["input"]["name"])
                    if p is None or p["target"] != Q_T:
                        self.fail(n, "input does not come from quantize_per_tensor.tensor")
            elif t in WEIGHTED:
                self.check_weighted(n)
        self.check_structure(static)
        return self.problems

    def check_weighted(self, n):
        args = {a["name"]: a["arg"] for a in n["inputs"]}
        if n["target"] == "torch.ops.aten.addmm.default" and self.mode != "int8-dynamic":
            # a quantized linear in the core IR reads a dequantized activation; a float
            # addmm of the model itself (not annotated by the quantizer) does not
            act = self.producer.get(union(args["mat1"])[1]["name"], {}).get("target")
            if act != DQ:
                return
        arg = args[WEIGHTED[n["target"]]]
        name = union(arg)[1]["name"]
        src = self.producer.get(name)
        if src is not None and src["target"] == "torch.ops.aten.permute.default":
            name = union(src["inputs"][0]["arg"])[1]["name"]
            src = self.producer.get(name)
        want = DQ if self.mode == "int8-per-tensor" else DQ_CH
        if src is None or src["target"] != want:
            self.fail(n, "weight %s does not come from %s" % (name, want.split(".")[-2]))
        if self.mode == "int8-dynamic":
            first = {a["name"]: a["arg"] for a in n["inputs"]}
            x = union(first["mat1" if "mat1" in first else "input"])[1]["name"]
            while self.producer.get(x, {}).get("target") == "torch.ops.aten.view.default":
                x = union(self.producer[x]["inputs"][0]["arg"])[1]["name"]
            if self.producer.get(x, {}).get("target") != DQ_T:
                self.fail(n, "input %s does not come from dequantize_per_tensor.tensor" % x)

    def check_structure(self, static):
        if not static:
            for o in self.outputs:
                if self.producer.get(o, {}).get("target") in (DQ, DQ_T):
                    self.fail("graph", "output %s is dequantized (dynamic outputs stay float)" % o)
            return
        for x in self.user_inputs:
            for u in self.users.get(x, []):
                if u["target"] != Q:
                    self.fail("graph", "user input %s read by %s, expected quantize_per_tensor"
                              % (x, u["target"]))
        for o in self.outputs:
            if self.producer.get(o, {}).get("target") != DQ:
                self.fail("graph", "output %s does not come from dequantize_per_tensor" % o)

    # -- isolated models (qi_*)
    def _tensor_inputs(self, n):
        return [name for a in n["inputs"] for name in self._tensor_names(a["arg"])]

    def _qparams_of(self, n):
        return tuple(union(a["arg"])[1] for a in n["inputs"][1:])

    def _dq_q(self, name):
        """(dequantize, quantize) nodes if `name` is dequantize_per_tensor(quantize_per_tensor
        (...)), else None."""
        dq = self.producer.get(name)
        if dq is None or dq["target"] != DQ:
            return None
        q = self.producer.get(self._tensor_inputs(dq)[0])
        if q is None or q["target"] != Q:
            return None
        return dq, q

    def _is_state(self, name):
        """A lifted tensor (a bias), or the dequantize of one (a weight)."""
        if name in self.lifted:
            return True
        p = self.producer.get(name)
        return p is not None and p["target"] in (DQ, DQ_CH) and \
            self._tensor_inputs(p)[0] in self.lifted

    def check_isolated(self):
        """A qi_* model: the operator under test reads dequantize(quantize(user input)), or
        dequantize(quantize(cat([that]))) with the input's scale and zero point (the
        one-tensor cat in front of the shared-parameter operators), and its output (through a
        fused relu) is quantized and dequantized as the graph output."""
        for o in self.outputs:
            dq_q = self._dq_q(o)
            if dq_q is None:
                self.fail("graph", "isolated: output %s is not dequantize(quantize(...))" % o)
                continue
            op = self.producer.get(self._tensor_inputs(dq_q[1])[0])
            if op is not None and op["target"] == "torch.ops.aten.relu.default":
                op = self.producer.get(self._tensor_inputs(op)[0])
            if op is None:
                self.fail("graph", "isolated: output %s quantizes a graph input" % o)
                continue
            operands = [x for x in self._tensor_inputs(op) if not self._is_state(x)]
            if not operands:
                self.fail(op, "isolated: no activation operand")
            for x in operands:
                dq_q = self._dq_q(x)
                src = self._tensor_inputs(dq_q[1])[0] if dq_q else None
                if src in self.user_inputs:
                    continue
                cat = self.producer.get(src) if src else None
                if cat is not None and cat["target"] == "torch.ops.aten.cat.default" and \
                        len(self._tensor_inputs(cat)) == 1:
                    inner = self._dq_q(self._tensor_inputs(cat)[0])
                    if inner and self._tensor_inputs(inner[1])[0] in self.user_inputs and \
                            self._qparams_of(inner[1]) == self._qparams_of(dq_q[1]):
                        continue
                self.fail(op, "isolated: operand %s is not dequantize(quantize(user input)) "
                          "(nor of a one-tensor cat of it with the same parameters)" % x)


def check_archive(path, mode, label, isolated=False):
    archive = open_archive(path)
    state = dict(archive.constants())
    state.update(archive.state_dict())
    checker = Checker(archive.exported_program(), state, mode, label)
    problems = checker.run()
    if isolated:
        checker.check_isolated()
        problems = checker.problems
    config = json.loads(archive.read("data/weights/model_weights_config.json"))["config"]
    for fqn, meta in config.items():
        if fqn.startswith("_frozen_param") and meta["tensor_meta"]["dtype"] != INT8:
            problems.append("%s: weights config %s has dtype %d, expected 2"
                            % (label, fqn, meta["tensor_meta"]["dtype"]))
        if fqn.startswith("_frozen_param") and meta["is_param"]:
            problems.append("%s: weights config says %s is a parameter" % (label, fqn))
    return problems


def has_per_channel(path):
    """Whether the archive has a dequantize_per_channel (the self-test mutates one)."""
    nodes = open_archive(path).exported_program()["graph_module"]["graph"]["nodes"]
    return any(n["target"] == DQ_CH for n in nodes)


def self_test(path, mode):
    """The checker must reject broken variants of a good archive."""
    archive = open_archive(path)
    state = dict(archive.constants())
    state.update(archive.state_dict())
    ep = archive.exported_program()
    if Checker(ep, state, mode, "self-test").run():
        return ["self-test: the unmodified archive fails"]

    def mutate(fn):
        e = copy.deepcopy(ep)
        fn(e)
        return Checker(e, state, mode, "self-test").run()

    def set_arg(e, target, name, value, weight):
        for n in e["graph_module"]["graph"]["nodes"]:
            args = {a["name"]: a for a in n["inputs"]}
            is_weight = union(args["input"]["arg"])[1]["name"].startswith("b__frozen") \
                if "input" in args else False
            if n["target"] == target and is_weight == weight:
                args[name]["arg"] = value
                return

    broken = {
        "dtype 1 (uint8)": lambda e: set_arg(e, DQ, "dtype", {"as_scalar_type": 1}, False),
        "activation quant_max 255": lambda e: set_arg(e, Q, "quant_max", {"as_int": 255}, False),
        "per-channel axis 1": lambda e: set_arg(e, DQ_CH, "axis", {"as_int": 1}, True),
        "scale as a tensor": lambda e: set_arg(e, DQ, "scale", {"as_tensor": {"name": "x"}}, False),
    }
    out = []
    for what, fn in broken.items():
        if not mutate(fn):
            out.append("self-test: the checker accepts an archive with %s" % what)
    return out


def check_numerics():
    """aten_eval's quantized_decomposed kernels against values worked out by hand (export.py
    and reference.py share them, so a wrong formula would pass the round trip)."""
    import aten_eval

    table = schemas.load()
    problems = []

    def call(key, **args):
        return aten_eval.call(table.lookup(key), args)

    def expect(what, got, want):
        if got.dtype != want.dtype or not torch.equal(got, want):
            problems.append("numerics: %s gave %s, expected %s" % (what, got.tolist(), want.tolist()))

    i8 = dict(quant_min=-128, quant_max=127, dtype=torch.int8)
    x = torch.tensor([0.25, 0.75, -0.25, 1000.0, -1000.0])
    # x * (1 / 0.1) = 2.5, 7.5, -2.5: halves to even; + 3; clamped to [-128, 127]
    expect("quantize_per_tensor (ties to even, clamp)",
           call("quantized_decomposed::quantize_per_tensor.default", input=x, scale=0.1,
                zero_point=3, **i8)[0],
           torch.tensor([5, 11, 1, 127, -128], dtype=torch.int8))
    # 2.25 * float32(1 / 0.3) = 7.5 -> 8, whereas 2.25 / 0.3 = 7.4999995 -> 7
    expect("quantize_per_tensor (multiplies by 1.0 / scale)",
           call("quantized_decomposed::quantize_per_tensor.default",
                input=torch.tensor([2.25]), scale=0.3, zero_point=0, **i8)[0],
           torch.tensor([8], dtype=torch.int8))
    q = torch.tensor([5, -128, 127], dtype=torch.int8)
    expect("dequantize_per_tensor", call("quantized_decomposed::dequantize_per_tensor.default",
                                         input=q, scale=0.5, zero_point=3, out_dtype=None,
                                         **i8)[0], torch.tensor([1.0, -65.5, 62.0]))
    w = torch.tensor([[1.25, -1.25, 200.0], [0.375, 0.125, -0.5]])
    scales, zps = torch.tensor([0.5, 0.25]), torch.zeros(2, dtype=torch.int64)
    w8 = dict(quant_min=-127, quant_max=127, dtype=torch.int8)
    wq = call("quantized_decomposed::quantize_per_channel.default", input=w, scales=scales,
              zero_points=zps, axis=0, **w8)[0]
    expect("quantize_per_channel (axis 0, ties to even, clamp to -127..127)", wq,
           torch.tensor([[2, -2, 127], [2, 0, -2]], dtype=torch.int8))
    expect("dequantize_per_channel", call("quantized_decomposed::dequantize_per_channel.default",
                                          input=wq, scales=scales, zero_points=zps, axis=0,
                                          out_dtype=None, **w8)[0],
           torch.tensor([[1.0, -1.0, 63.5], [0.5, 0.0, -0.5]]))
    # min' = -1, max' = 3: scale = 4 / 255 (float32), zero point = -128 - round(-63.75) = -64
    s, z = call("quantized_decomposed::choose_qparams.tensor",
                input=torch.tensor([-1.0, 3.0, 0.5]), eps=EPS, **i8)
    expect("choose_qparams.tensor scale", s,
           torch.tensor([4.0], dtype=torch.float32).div(255.0).to(torch.float64))
    expect("choose_qparams.tensor zero point", z, torch.tensor([-64]))
    s, z = call("quantized_decomposed::choose_qparams.tensor", input=torch.zeros(3), eps=EPS,
                **i8)
    expect("choose_qparams.tensor of zeros (eps)", s, torch.tensor([EPS], dtype=torch.float64))
    expect("choose_qparams.tensor of zeros (zero point)", z, torch.tensor([-128]))
    return problems


def run_case(case, work, py):
    model, mode, ir = case.split(":")
    out = os.path.join(work, "%s-%s-%s" % (model, mode, ir))
    t0 = time.time()
    rc = export.main(["--model", model, "--ir", ir, "--quantize", mode, "--out", out])
    if rc != 0:
        return ["%s: export.py exited %d" % (case, rc)], out, time.time() - t0
    pt2 = os.path.join(out, "model.pt2")
    problems = check_archive(pt2, mode, case, isolated=model.startswith("qi_"))
    for f in ("float_expected_0.npy", "quantization.json", "dtypes.json"):
        if not os.path.exists(os.path.join(out, f)):
            problems.append("%s: %s missing" % (case, f))
    ref = os.path.join(out, "reference")
    input_args, k = [], 0
    while os.path.exists(os.path.join(out, "input_%d.npy" % k)):
        input_args += ["--input", os.path.join(out, "input_%d.npy" % k)]
        k += 1
    r = subprocess.run([py, os.path.join(HERE, "reference.py"), pt2] + input_args +
                       ["--out", ref], stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        problems.append("%s: reference.py failed: %s" % (case, r.stderr.strip()))
    else:
        k = 0
        while os.path.exists(os.path.join(out, "expected_%d.npy" % k)):
            want = np.load(os.path.join(out, "expected_%d.npy" % k))
            got = np.load(os.path.join(ref, "output_%d.npy" % k))
            if want.dtype != got.dtype or not np.array_equal(want, got):
                problems.append("%s: reference.py output_%d differs from expected_%d.npy "
                                "(max |diff| %g)" % (case, k, k, float(np.abs(
                                    want.astype(np.float64) - got.astype(np.float64)).max())))
            k += 1
    table = schemas.load()
    qdir = os.path.join(out, "quant_inputs")
    for s in range(export.N_QUANT_INPUTS):
        inputs, k = [], 0
        while os.path.exists(os.path.join(qdir, "input_%d_%d.npy" % (s, k))):
            inputs.append(npy_dtypes.from_numpy(np.load(os.path.join(qdir, "input_%d_%d.npy" % (s, k)))))
            k += 1
        if not inputs:
            problems.append("%s: quant_inputs/input_%d_0.npy missing" % (case, s))
            continue
        with torch.no_grad():
            got = reference.run(pt2, inputs, table)
        for k, t in enumerate(got):
            want = np.load(os.path.join(qdir, "expected_%d_%d.npy" % (s, k)))
            if not np.array_equal(want, npy_dtypes.to_numpy(t)):
                problems.append("%s: quant_inputs/expected_%d_%d.npy not reproduced" % (case, s, k))
    return problems, out, time.time() - t0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cases", default=",".join(CASES), help="model:mode:ir,...")
    p.add_argument("--keep", help="export into this directory instead of a temporary one")
    args = p.parse_args(argv)
    py = sys.executable
    problems = check_numerics()
    print("%-40s %s" % ("quantized_decomposed numerics", "ok" if not problems else "FAILED"))
    for line in problems:
        print("  " + line)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or tmp
        os.makedirs(work, exist_ok=True)
        first_static = None
        for case in args.cases.split(","):
            found, out, secs = run_case(case, work, py)
            print("%-40s %s (%.1f s)" % (case, "ok" if not found else "FAILED", secs))
            for line in found:
                print("  " + line)
            problems += found
            if first_static is None and case.split(":")[1] == "int8" and not found and \
                    has_per_channel(os.path.join(out, "model.pt2")):
                first_static = os.path.join(out, "model.pt2")
        q_add = os.path.join(work, "q_add-int8-training", "model.pt2")
        if "q_add:int8:training" in args.cases.split(",") and os.path.exists(q_add):
            # the isolation check must reject an add between convolutions
            if not check_archive(q_add, "int8", "self-test", isolated=True):
                problems.append("self-test: the isolation check accepts q_add (an add of two "
                                "convolution outputs)")
                print("%-40s %s" % ("isolation check self-test", "FAILED"))
            else:
                print("%-40s %s" % ("isolation check self-test", "ok"))
        if first_static is not None:
            found = self_test(first_static, "int8")
            print("%-40s %s" % ("checker self-test", "ok" if not found else "FAILED"))
            for line in found:
                print("  " + line)
            problems += found
        else:
            problems.append("no passing int8 case with per-channel weights to run the checker "
                            "self-test on")
    if problems:
        print("check_quantized.py: %d problem(s)" % len(problems), file=sys.stderr)
        return 1
    print("check_quantized.py: all %d cases ok" % len(args.cases.split(",")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
