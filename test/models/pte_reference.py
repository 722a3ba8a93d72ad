#!/usr/bin/env python3
"""Evaluate an ExecuTorch `.pte` program with torch 1.13's own out-variant kernels.

    /usr/bin/python3 test/models/pte_reference.py MODEL.pte --flatc FLATC --schema DIR \\
        (--input x.npy [--input ...] | --make-input IN [--seed N]) --out DIR \\
        [--method NAME] [--data FILE.ptd]

writes DIR/output_K.npy for each output of the method and DIR/dtypes.json (npy_dtypes.py).
`--make-input IN` first writes seeded random IN/input_K.npy for the method's inputs
(make_inputs.random_input: the declared dtype and shape) and runs on those.

This is the tests' reference where PyTorch cannot run the file itself (torch 1.13 has no
ExecuTorch), and it shares no code with kilnc's reader:

* the flatbuffer is decoded by `flatc --json` against the schema in
  compiler/import/pte/schema (flatc's own decoder, not Kiln's C++ accessors); the header
  (`ET12`, the `eh00` extended header), the segments, the constants (constant segment,
  legacy constant buffer, named data) and the `.ptd` file (`FT01` / `FH01`) are read here
  with `struct`;
* each KernelCall runs the operator the file names, out variant included
  (`torch.ops.aten.add.out`), with its arguments bound by torch's own schema of that
  overload: its out tensors are allocated as the file's value table declares them and
  written by the kernel (an out variant torch 1.13 lacks runs as its functional operator
  through aten_eval, the results copied into the out tensors); MoveCall copies a value; FreeCall does nothing; a DelegateCall or
  a jump is an error (this evaluator runs portable programs only).
"""

import argparse
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch_python  # noqa: E402

torch_python.ensure()

import numpy as np  # noqa: E402
import torch  # noqa: E402

import aten_eval  # noqa: E402
import npy_dtypes  # noqa: E402
import schemas  # noqa: E402
from make_inputs import random_input  # noqa: E402

# c10 ScalarType codes (the .pte numbering) -> torch dtypes.
DTYPES = {0: torch.uint8, 1: torch.int8, 2: torch.int16, 3: torch.int32, 4: torch.int64,
          5: torch.float16, 6: torch.float32, 7: torch.float64, 11: torch.bool,
          15: torch.bfloat16}
DTYPE_NAMES = {"BYTE": 0, "CHAR": 1, "SHORT": 2, "INT": 3, "LONG": 4, "HALF": 5, "FLOAT": 6,
               "DOUBLE": 7, "BOOL": 11, "BFLOAT16": 15}


class PteError(Exception):
    pass


def decode(flatc, schema, raw, root_name):
    """The flatbuffer at the start of `raw` as JSON, by flatc (its bare inf and nan as
    strings, which float() reads)."""
    with tempfile.TemporaryDirectory() as tmp:
        binary = os.path.join(tmp, "buffer.bin")
        with open(binary, "wb") as f:
            f.write(raw)
        r = subprocess.run([flatc, "--json", "--raw-binary", "--strict-json", "--defaults-json",
                            "-o", tmp, schema, "--", binary], capture_output=True, text=True)
        if r.returncode != 0:
            raise PteError("flatc cannot decode the %s: %s" % (root_name, r.stderr.strip()))
        with open(os.path.join(tmp, "buffer.json")) as f:
            text = re.sub(r":\s*(-?inf|nan)\b", r': "\1"', f.read())
        return json.loads(text)


class Program:
    def __init__(self, path, flatc, schema_dir, data=None):
        with open(path, "rb") as f:
            self.raw = f.read()
        raw = self.raw
        if len(raw) < 8 or raw[4:8] != b"ET12":
            raise PteError("%s: no 'ET12' identifier" % path)
        size, self.base = len(raw), 0
        if len(raw) >= 32 and raw[8:12] == b"eh00":
            size, self.base = struct.unpack_from("<QQ", raw, 16)
        self.program = decode(flatc, os.path.join(schema_dir, "program.fbs"), raw[:size],
                              "program")
        self.flatc, self.schema_dir = flatc, schema_dir
        if data is None:
            beside = os.path.splitext(path)[0] + ".ptd"
            data = beside if os.path.exists(beside) else None
        self.data_path = data
        self.external = None

    def segment(self, index):
        s = self.program.get("segments", [])[index]
        begin = self.base + int(s.get("offset", 0))
        return self.raw[begin:begin + int(s.get("size", 0))]

    def named(self, key):
        for entry in self.program.get("named_data", []):
            if entry.get("key") == key:
                return self.segment(int(entry.get("segment_index", 0)))
        if self.external is None:
            self.external = {}
            if self.data_path:
                with open(self.data_path, "rb") as f:
                    raw = f.read()
                if raw[4:8] != b"FT01" or raw[8:12] != b"FH01":
                    raise PteError("%s: not a .ptd file" % self.data_path)
                flat_offset, flat_size, base = struct.unpack_from("<QQQ", raw, 16)
                flat = decode(self.flatc, os.path.join(self.schema_dir, "flat_tensor.fbs"),
                              raw[:flat_offset + flat_size], "external data")
                for entry in flat.get("named_data", []):
                    s = flat["segments"][int(entry.get("segment_index", 0))]
                    begin = base + int(s.get("offset", 0))
                    self.external[entry["key"]] = raw[begin:begin + int(s.get("size", 0))]
        if key not in self.external:
            raise PteError("no data named %r" % key)
        return self.external[key]

    def method(self, name):
        for plan in self.program.get("execution_plan", []):
            if plan.get("name") == name:
                return plan
        raise PteError("no method %r" % name)


def tensor_spec(t):
    code = t.get("scalar_type", 0)
    code = DTYPE_NAMES.get(code, code) if isinstance(code, str) else code
    if code not in DTYPES:
        raise PteError("dtype code %s" % code)
    return DTYPES[code], [int(d) for d in t.get("sizes", [])]


def constant(program, t):
    dtype, sizes = tensor_spec(t)
    count = int(np.prod(sizes)) if sizes else 1
    nbytes = count * torch.empty((), dtype=dtype).element_size()
    extra = t.get("extra_tensor_info") or {}
    if extra.get("location") in ("EXTERNAL", 1):
        data = program.named(extra["fully_qualified_name"])
    else:
        index = int(t.get("data_buffer_idx", 0))
        seg = program.program.get("constant_segment") or {}
        offsets = seg.get("offsets", [])
        if len(offsets) > 1:
            begin = int(offsets[index])
            data = program.segment(int(seg.get("segment_index", 0)))[begin:begin + nbytes]
        else:
            data = bytes(program.program["constant_buffer"][index].get("storage", []))
    if len(data) < nbytes:
        raise PteError("a constant has %d bytes, its shape needs %d" % (len(data), nbytes))
    buf = bytearray(data[:nbytes])
    return torch.frombuffer(buf, dtype=dtype).reshape(sizes).clone() if count else \
        torch.empty(sizes, dtype=dtype)


def run_functional(number, ns, name, overload, indices, value, env):
    """An out variant torch 1.13 lacks (`_native_batch_norm_legit_no_training.out`, the
    ExecuTorch-only `dim_order_ops`): its functional operator from Kiln's schema table,
    run by aten_eval (torch's kernels, or its COMPAT forms), the results copied into the
    out tensors."""
    if ns == "dim_order_ops" and overload == "out":
        # self, non_blocking, dim_order, out, return: a copy (into out's dtype).
        out = value(indices[-2])
        out.copy_(value(indices[0]).to(out.dtype))
        env[indices[-2]] = env[indices[-1]] = out
        return
    base = "default" if overload == "out" else overload[:-len("_out")]
    schema = schemas.load().get("%s::%s.%s" % (ns, name, base))
    if schema is None or not overload.endswith("out"):
        raise PteError("instruction %d: torch %s has no kernel %s::%s.%s"
                       % (number, torch.__version__, ns, name, overload))
    n, r = len(schema.arguments), len(schema.returns)
    if len(indices) != n + 2 * r:
        raise PteError("instruction %d: %s::%s.%s has %d arguments, not %d"
                       % (number, ns, name, overload, len(indices), n + 2 * r))
    args = {}
    for a, i in zip(schema.arguments, indices):
        v = value(i)
        if a.type.base == "ScalarType" and isinstance(v, int):
            v = DTYPES[v]  # the file's c10 code
        args[a.name] = v
    results = aten_eval.call(schema, args)
    for k, result in enumerate(results):
        out = value(indices[n + k])
        out.copy_(result)
        env[indices[n + k]] = env[indices[n + r + k]] = out


def run_xnnpack(program, plan, number, call, value, env):
    """An XNNPACK delegate call: its blob (XNNHeader, then the XNNGraph decoded by flatc
    against compiler/import/pte/schema/xnnpack.fbs, then constant data) evaluated node by
    node with torch's functional ops, in XNNPACK's layouts (NHWC activations, OHWI
    filters, 1HWO depthwise filters), each node's output_min_max a clamp."""
    import torch.nn.functional as F
    delegate = plan["delegates"][int(call.get("delegate_index", 0))]
    if delegate.get("id") != "XnnpackBackend":
        raise PteError("instruction %d delegates to %s" % (number, delegate.get("id")))
    ref = delegate.get("processed") or {}
    if ref.get("location") in ("SEGMENT", 1):
        blob = program.segment(int(ref.get("index", 0)))
    else:
        blob = bytes(program.program["backend_delegate_data"][int(ref.get("index", 0))]["data"])
    flat, constants = blob, b""
    if blob[4:8] == b"XH00":
        fo, fs, co = struct.unpack_from("<III", blob, 10)
        cs, = struct.unpack_from("<Q", blob, 22)
        flat, constants = blob[fo:fo + fs], blob[co:co + cs]
    graph = decode(program.flatc, os.path.join(program.schema_dir, "xnnpack.fbs"), flat,
                   "XNNPACK graph")
    xv = {}

    def spec(i):
        """A value's tensor, dims and quantization: None (float32), ("tensor", scale,
        zero_point) or ("channel", scales, channel_dim)."""
        v = graph["xvalues"][i]
        if v["xvalue_union_type"] == "XNNTensorValue":
            t, quant = v["xvalue_union"], None
        else:
            t = v["xvalue_union"]["tensor_value"]
            kind, p = v["xvalue_union"]["quant_params_type"], v["xvalue_union"]["quant_params"]
            if kind == "PerTensorQuant":
                quant = ("tensor", float(p.get("scale", 0.0)), int(p.get("zero_point", 0)))
            elif kind == "PerChannelQuant":
                quant = ("channel", [float(x) for x in p.get("scale", [])],
                         int(p.get("channel_dim", 0)))
            else:
                raise PteError("XNNPACK value %d: %s" % (i, kind))
        if t.get("datatype") not in ("xnn_datatype_fp32", "xnn_datatype_qint8",
                                     "xnn_datatype_qcint8", "xnn_datatype_qint32",
                                     "xnn_datatype_qcint32"):
            raise PteError("XNNPACK value %d is %s" % (i, t.get("datatype")))
        return t, [int(d) for d in t.get("dims", [])], quant

    def dequantized(q, quant):
        """A quantized constant's real values (float32), as a dequantize computes them."""
        if quant[0] == "tensor":
            return aten_eval.dequantize_per_tensor_value(q, quant[1], quant[2], q.dtype)
        shape = [1] * q.dim()
        shape[quant[2]] = -1
        scales = torch.tensor(quant[1], dtype=torch.float32).reshape(shape)
        return q.to(torch.float32) * scales

    def get(i):
        if i not in xv:
            t, dims, quant = spec(i)
            entry = graph["constant_data"][int(t.get("constant_buffer_idx", 0))]
            if entry.get("named_key"):
                data = program.named(entry["named_key"])
            else:
                data = constants[int(entry["offset"]):int(entry["offset"]) + int(entry["size"])]
            n = int(np.prod(dims)) if dims else 1
            dtype = {"xnn_datatype_fp32": torch.float32, "xnn_datatype_qint8": torch.int8,
                     "xnn_datatype_qcint8": torch.int8, "xnn_datatype_qint32": torch.int32,
                     "xnn_datatype_qcint32": torch.int32}[t["datatype"]]
            size = torch.empty((), dtype=dtype).element_size()
            x = torch.frombuffer(bytearray(data[:size * n]), dtype=dtype).reshape(dims)
            xv[i] = x if quant is None else dequantized(x, quant)
        return xv[i]

    args = [int(a) for a in call.get("args", [])]
    ins, outs = graph.get("input_ids", []), graph.get("output_ids", [])
    for k, i in enumerate(ins):
        xv[int(i)] = value(args[k]).float()
    nchw, nhwc = (0, 3, 1, 2), (0, 2, 3, 1)
    for node in graph.get("xnodes", []):
        kind, n = node["xnode_union_type"], node["xnode_union"]
        binary = {"XNNAdd": torch.add, "XNNSubtract": torch.sub, "XNNMultiply": torch.mul,
                  "XNNDiv": torch.div, "XNNMinimum": torch.minimum, "XNNMaximum": torch.maximum}
        unary = {"XNNSigmoid": torch.sigmoid, "XNNHardswish": F.hardswish, "XNNAbs": torch.abs,
                 "XNNNegate": torch.neg, "XNNSquareRoot": torch.sqrt, "XNNFloor": torch.floor,
                 "XNNCeiling": torch.ceil, "XNNGelu": F.gelu, "XNNClamp": lambda x: x,
                 "XNNSoftmax": lambda x: torch.softmax(x, -1),
                 "XNNGlobalAvgPooling2d": lambda x: x.mean(dim=(1, 2), keepdim=True)}
        out_id = int(n.get("output_id", 0))
        if kind in binary:
            y = binary[kind](get(int(n["input1_id"])), get(int(n["input2_id"])))
        elif kind in unary:
            y = unary[kind](get(int(n["input_id"])))
        elif kind == "XNNLeakyReLU":
            y = F.leaky_relu(get(int(n["input_id"])), float(n["negative_slope"]))
        elif kind == "XNNELU":
            y = F.elu(get(int(n["input_id"])), float(n["alpha"]))
        elif kind == "XNNConvert":
            y = get(int(n["input_id"]))  # to qint8: quantized below; to float32: as it is
        elif kind == "XNNStaticTranspose":
            y = get(int(n["input_id"])).permute([int(p) for p in n["perm"]]).contiguous()
        elif kind == "XNNStaticReshape":
            y = get(int(n["input_id"])).reshape(spec(out_id)[1])
        elif kind == "XNNStaticConstantPad":
            pre, post = n["pre_paddings"], n["post_paddings"]
            pad = []
            for d in reversed(range(len(pre))):
                pad += [int(pre[d]), int(post[d])]
            y = F.pad(get(int(n["input_id"])), pad, value=float(n.get("padding_value", 0.0)))
        elif kind.startswith("XNNConcatenate"):
            parts = int(kind[len("XNNConcatenate"):])
            y = torch.cat([get(int(n["input%d_id" % (p + 1)])) for p in range(parts)],
                          int(n.get("axis", 0)))
        elif kind == "XNNFullyConnected":
            w = get(int(n["filter_id"]))
            if int(n.get("flags", 0)) & 1:
                w = w.t()
            bias = None if int(n["bias_id"]) == 0xffffffff else get(int(n["bias_id"]))
            y = F.linear(get(int(n["input1_id"])), w, bias)
        elif kind in ("XNNConv2d", "XNNDepthwiseConv2d"):
            x = get(int(n["input1_id"])).permute(nchw)
            w = get(int(n["filter_id"]))
            w = w.permute(3, 0, 1, 2) if kind == "XNNDepthwiseConv2d" else w.permute(nchw)
            x = F.pad(x, [int(n["padding_left"]), int(n["padding_right"]),
                          int(n["padding_top"]), int(n["padding_bottom"])])
            bias = None if int(n["bias_id"]) == 0xffffffff else get(int(n["bias_id"]))
            y = F.conv2d(x, w.contiguous(), bias,
                         (int(n["subsampling_height"]), int(n["subsampling_width"])), 0,
                         (int(n["dilation_height"]), int(n["dilation_width"])),
                         int(n["groups"])).permute(nhwc).contiguous()
        elif kind in ("XNNMaxPooling2d", "XNNAvgPooling2d"):
            x = get(int(n["input_id"])).permute(nchw)
            k = (int(n["pooling_height"]), int(n["pooling_width"]))
            st = (int(n["stride_height"]), int(n["stride_width"]))
            pd = (int(n["padding_top"]), int(n["padding_left"]))
            if kind == "XNNMaxPooling2d":
                y = F.max_pool2d(x, k, st, pd, (int(n["dilation_height"]),
                                                int(n["dilation_width"])))
            else:
                y = F.avg_pool2d(x, k, st, pd)
            y = y.permute(nhwc).contiguous()
        else:
            raise PteError("XNNPACK node %s" % kind)
        r = node.get("output_min_max")
        if r is not None:
            y = torch.clamp(y, float(r.get("output_min", 0.0)), float(r.get("output_max", 0.0)))
        quant = spec(out_id)[2]
        if quant is not None:  # a qint8 result: quantized (PyTorch's rounding), held as reals
            q = aten_eval.quantize_per_tensor_value(y, quant[1], quant[2], -128, 127, torch.int8)
            y = aten_eval.dequantize_per_tensor_value(q, quant[1], quant[2], torch.int8)
        xv[out_id] = y
    for k, i in enumerate(outs):
        env[args[len(ins) + k]] = xv[int(i)]


def run_method(program, name, inputs):
    plan = program.method(name)
    values = plan.get("values", [])
    env = {}

    def value(index):
        if index in env:
            return env[index]
        ev = values[index]
        kind, v = ev.get("val_type"), ev.get("val") or {}
        if kind == "Tensor":
            if int(v.get("data_buffer_idx", 0)) > 0 or \
                    (v.get("extra_tensor_info") or {}).get("location") in ("EXTERNAL", 1):
                env[index] = constant(program, v)
                return env[index]
            dtype, sizes = tensor_spec(v)
            return torch.empty(sizes, dtype=dtype)  # an out tensor
        if kind == "Int":
            return int(v.get("int_val", 0))
        if kind == "Double":
            return float(v.get("double_val", 0.0))
        if kind == "Bool":
            return bool(v.get("bool_val", False))
        if kind == "String":
            return v.get("string_val", "")
        if kind == "IntList":
            return [value(int(i)) for i in v.get("items", [])]
        if kind in ("DoubleList", "BoolList"):
            return list(v.get("items", []))
        if kind == "TensorList":
            return [value(int(i)) for i in v.get("items", [])]
        if kind == "OptionalTensorList":
            return [None if int(i) == -1 else value(int(i)) for i in v.get("items", [])]
        if kind in ("Null", "NONE", None):
            return None
        raise PteError("value %d of kind %s" % (index, kind))

    for k, index in enumerate(plan.get("inputs", [])):
        env[index] = inputs[k]
    chain = plan["chains"][0]
    ops = plan.get("operators", [])
    for number, instruction in enumerate(chain.get("instructions", [])):
        kind, args = instruction.get("instr_args_type"), instruction.get("instr_args") or {}
        if kind == "MoveCall":
            env[int(args["move_to"])] = value(int(args["move_from"]))
            continue
        if kind == "FreeCall":
            continue
        if kind == "DelegateCall":
            run_xnnpack(program, plan, number, args, value, env)
            continue
        if kind != "KernelCall":
            raise PteError("instruction %d is a %s, which this evaluator does not run"
                           % (number, kind))
        op = ops[int(args.get("op_index", 0))]
        ns, _, opname = op["name"].partition("::")
        overload = op.get("overload") or "default"
        indices = [int(i) for i in args.get("args", [])]
        try:
            kernel = getattr(getattr(getattr(torch.ops, ns), opname), overload)
        except (AttributeError, RuntimeError):
            kernel = None
        if kernel is None:
            run_functional(number, ns, opname, overload, indices, value, env)
            continue
        schema = kernel._schema
        positional, keywords, written = [], {}, []
        for i, argument in enumerate(schema.arguments):
            v = value(indices[i])
            if argument.alias_info is not None and argument.alias_info.is_write:
                env[indices[i]] = v
                written.append(indices[i])
            if argument.kwarg_only:
                keywords[argument.name] = v
            else:
                positional.append(v)
        kernel(*positional, **keywords)
        # The returned values are the out tensors, in order.
        for out, ret in zip(written, indices[len(schema.arguments):]):
            env[ret] = env[out]
    return [env[int(i)] for i in plan.get("outputs", [])]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("pte")
    p.add_argument("--flatc", default="flatc")
    p.add_argument("--schema", required=True, help="compiler/import/pte/schema")
    p.add_argument("--input", action="append", default=[])
    p.add_argument("--make-input")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--method", default="forward")
    p.add_argument("--data")
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    try:
        program = Program(a.pte, a.flatc, a.schema, a.data)
        plan = program.method(a.method)
        inputs = []
        if a.make_input:
            os.makedirs(a.make_input, exist_ok=True)
            gen = torch.Generator().manual_seed(a.seed)
            dtypes = []
            for k, index in enumerate(plan.get("inputs", [])):
                ev = plan["values"][int(index)]
                if ev.get("val_type") != "Tensor":
                    raise PteError("input %d is a %s, not a tensor" % (k, ev.get("val_type")))
                dtype, sizes = tensor_spec(ev["val"])
                arr = random_input(gen, dtype, sizes)
                np.save(os.path.join(a.make_input, "input_%d.npy" % k), arr)
                dtypes.append(dtype)
            npy_dtypes.write_dtypes_json(a.make_input, dtypes)
            a.input = [os.path.join(a.make_input, "input_%d.npy" % k)
                       for k in range(len(dtypes))]
        for path in a.input:
            inputs.append(torch.from_numpy(np.load(path)))
        outputs = run_method(program, a.method, inputs)
    except (PteError, KeyError, IndexError, ValueError) as e:
        print("pte_reference.py: %s: %s" % (a.pte, e), file=sys.stderr)
        return 1
    os.makedirs(a.out, exist_ok=True)
    for k, t in enumerate(outputs):
        np.save(os.path.join(a.out, "output_%d.npy" % k), npy_dtypes.to_numpy(t.contiguous()))
    npy_dtypes.write_dtypes_json(a.out, [t.dtype for t in inputs], [t.dtype for t in outputs])
    return 0


if __name__ == "__main__":
    sys.exit(main())
