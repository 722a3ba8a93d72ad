#!/usr/bin/env python3
"""An exported `.pt2` program as an XNNPACK-delegated ExecuTorch program (float32).

    from pte_xnnpack import build_xnnpack
    program, segments = build_xnnpack(ep, state, constants, table, flatc, schema_dir)

What ExecuTorch's XNNPACK partitioner and serializer write for a float model whose
operators XNNPACK takes (FORMATS.md §3; the XNNGraph schema is Kiln's
compiler/import/pte/schema/xnnpack.fbs): the whole graph in one delegate, called by one
DelegateCall with the program's input and output tensors, its blob an XNNHeader (`XH00`)
then the XNNGraph flatbuffer (`XN01`); the weights in the program's named data under
their sha256 (as ExecuTorch's current serializer stores them), each in its own segment.
As ExecuTorch prepares the graph:

* batch norm after a convolution is folded into the convolution's weights and bias;
* convolutions, pooling and global average pooling run in NHWC (filters OHWI, depthwise
  filters 1HWO): a value is transposed (XNNStaticTranspose) between NCHW and NHWC only
  where an operator needs the other layout, at most once per value and layout;
  a 1-d convolution is a 2-d one of height 1 (reshapes around it);
* relu and hardtanh whose input has no other user become the producer's output range
  (XNode.output_min_max), else an XNNClamp;
* `addmm(bias, x, permute(W))` is a fully connected node with filter W; views and
  squeezes are static reshapes of the NCHW value; `mean` over the two spatial dims is
  global average pooling.
An operator outside this list is an error (the caller then writes no file).
"""

import hashlib
import struct

import torch

from pt2_reader import sym_int_value, union
from torch_enums import SCALAR_TYPE_TO_TORCH

NCHW_TO_NHWC = [0, 2, 3, 1]
NHWC_TO_NCHW = [0, 3, 1, 2]
NO_VALUE = 0xffffffff
INPUT, OUTPUT = 1, 2  # XNN_VALUE_FLAG_EXTERNAL_INPUT / _OUTPUT
HEADER = 32  # the XNNHeader's bytes before the flatbuffer (ExecuTorch pads it to 32)


class XnnpackWriteError(Exception):
    pass


def _dims(layout, nchw):
    return [nchw[p] for p in NCHW_TO_NHWC] if layout == "NHWC" else list(nchw)


class Graph:
    def __init__(self):
        self.values, self.nodes = [], []
        self.data = [None]  # constant_data[k]'s bytes; 0 is reserved

    def value(self, dims, flags=0, external=NO_VALUE, data=None):
        v = {"datatype": "xnn_datatype_fp32", "num_dims": len(dims),
             "dims": [int(d) for d in dims], "external_id": external, "flags": flags,
             "id_out": len(self.values)}
        if data is not None:
            v["constant_buffer_idx"] = len(self.data)
            self.data.append(data.detach().contiguous().float().numpy().tobytes())
        self.values.append({"xvalue_union_type": "XNNTensorValue", "xvalue_union": v})
        return len(self.values) - 1

    def set_data(self, vid, tensor):
        k = self.values[vid]["xvalue_union"]["constant_buffer_idx"]
        self.data[k] = tensor.detach().contiguous().float().numpy().tobytes()

    def named(self):
        """The constants as named data: sha256 of the bytes -> bytes (ExecuTorch's keys)."""
        return {hashlib.sha256(raw).hexdigest(): raw for raw in self.data[1:]}

    def constant_table(self):
        return [{"named_key": ""}] + [
            {"offset": 0xffffffffffffffff, "size": len(raw),
             "named_key": hashlib.sha256(raw).hexdigest()} for raw in self.data[1:]]

    def node(self, kind, fields, out_range=None):
        n = {"xnode_union_type": kind, "xnode_union": fields, "debug_handle": len(self.nodes)}
        if out_range is not None:
            n["output_min_max"] = {"output_min": out_range[0], "output_max": out_range[1]}
        self.nodes.append(n)
        return n


class Builder:
    def __init__(self, ep, state, constants):
        self.graph_json = ep["graph_module"]["graph"]
        self.signature = ep["graph_module"]["signature"]
        self.meta = self.graph_json.get("tensor_values", {})
        self.state, self.constants = state, constants
        self.g = Graph()
        self.tensors = {}   # graph name -> torch tensor (constants)
        self.ids = {}       # (graph name, layout) -> value id
        self.layout = {}    # graph name -> the layout of its first value
        self.producer = {}  # graph name -> the node that writes it
        self.uses = {}
        self.conv_of = {}   # the output of the last convolution -> how it was written

    def shape(self, name):
        return [sym_int_value(s) for s in self.meta[name]["sizes"]]

    def get(self, name, layout):
        """The value id of `name` in `layout`, transposing once where needed."""
        if (name, layout) in self.ids:
            return self.ids[(name, layout)]
        if name in self.tensors:
            t = self.tensors[name]
            if layout == "NHWC":
                t = t.permute(NCHW_TO_NHWC)
            vid = self.g.value(list(t.shape), data=t)
        else:
            have = self.layout[name]
            src = self.ids[(name, have)]
            nchw = self.shape(name)
            vid = self.g.value(_dims(layout, nchw))
            perm = NCHW_TO_NHWC if layout == "NHWC" else NHWC_TO_NCHW
            self.g.node("XNNStaticTranspose", {"num_dims": 4, "perm": perm, "input_id": src,
                                               "output_id": vid})
        self.ids[(name, layout)] = vid
        return vid

    def define(self, name, layout, dims=None):
        vid = self.g.value(dims if dims is not None else _dims(layout, self.shape(name)))
        self.ids[(name, layout)] = vid
        self.layout[name] = layout
        return vid

    def args(self, node, schema):
        given = {n["name"]: n["arg"] for n in node["inputs"]}
        out = {}
        for a in schema.arguments:
            if a.name in given:
                kind, p = union(given[a.name])
                if kind == "as_tensor":
                    out[a.name] = ("tensor", p["name"])
                elif kind == "as_none":
                    out[a.name] = None
                elif kind in ("as_ints", "as_sym_ints"):
                    out[a.name] = [sym_int_value(x) if kind == "as_sym_ints" else x for x in p]
                elif kind in ("as_int", "as_float", "as_bool"):
                    out[a.name] = p
                elif kind == "as_sym_int":
                    out[a.name] = sym_int_value(p)
                else:
                    out[a.name] = (kind, p)
            else:
                out[a.name] = a.default if a.has_default else None
        return out

    def build(self, table):
        nodes = self.graph_json["nodes"]
        for node in nodes:
            for n in node["inputs"]:
                kind, p = union(n["arg"])
                if kind == "as_tensor":
                    self.uses[p["name"]] = self.uses.get(p["name"], 0) + 1
        inputs, outputs = [], []
        for spec in self.signature["input_specs"]:
            kind, p = union(spec)
            name = p["arg"].get("name")
            if kind == "parameter":
                self.tensors[name] = self.state[p["parameter_name"]].float()
            elif kind == "buffer":
                fqn = p["buffer_name"]
                self.tensors[name] = (self.state[fqn] if fqn in self.state
                                      else self.constants[fqn]).float()
            elif kind == "tensor_constant":
                self.tensors[name] = self.constants[p["tensor_constant_name"]].float()
            elif kind == "user_input":
                _, arg = union(p["arg"])
                vid = self.g.value(self.shape(arg["name"]), flags=INPUT, external=len(inputs))
                self.ids[(arg["name"], "NCHW")] = vid
                self.layout[arg["name"]] = "NCHW"
                inputs.append(arg["name"])
        for node in nodes:
            self.lower(node, table)
        for spec in self.signature["output_specs"]:
            kind, p = union(spec)
            if kind == "user_output":
                outputs.append(union(p["arg"])[1]["name"])
        output_ids = []
        for k, name in enumerate(outputs):
            vid = self.output_value(name)
            v = self.g.values[vid]["xvalue_union"]
            v["flags"] = v.get("flags", 0) | OUTPUT
            v["external_id"] = len(inputs) + k
            output_ids.append(vid)
        return inputs, outputs, output_ids

    def output_value(self, name):
        return self.get(name, "NCHW")

    def fuse_range(self, name, lo, hi):
        """Give the producer of `name` the output range; false if it has other users."""
        node = self.producer.get(name)
        if node is None or self.uses.get(name, 0) != 1 or "output_min_max" in node:
            return False
        node["output_min_max"] = {"output_min": lo, "output_max": hi}
        return True

    def lower(self, node, table):
        schema = table.from_target(node["target"])
        a = self.args(node, schema)
        outs = [union(o)[1]["name"] if union(o)[0] == "as_tensor" else None
                for o in node["outputs"]]
        if union(node["outputs"][0])[0] == "as_tensors":
            outs = [t["name"] for t in union(node["outputs"][0])[1]]
        out = outs[0]
        key = schema.key
        t = lambda k: a[k][1]  # noqa: E731 (the graph name of a tensor argument)
        if key == "aten::permute.default" and t("self") in self.tensors:
            self.tensors[out] = self.tensors[t("self")].permute(a["dims"])
        elif key == "aten::convolution.default":
            self.conv(a, out)
        elif key == "aten::_native_batch_norm_legit_no_training.default":
            self.batch_norm(a, out)
        elif key in ("aten::relu.default", "aten::hardtanh.default", "aten::clamp.default"):
            lo, hi = (0.0, float("inf")) if key == "aten::relu.default" else (
                (float(a["min_val"]), float(a["max_val"])) if "min_val" in a else
                (float(a["min"]) if a["min"] is not None else float("-inf"),
                 float(a["max"]) if a["max"] is not None else float("inf")))
            x = t("self")
            if self.fuse_range(x, lo, hi):
                layout = self.layout[x]
                self.ids[(out, layout)] = self.ids[(x, layout)]
                self.layout[out] = layout
                self.producer[out] = self.producer[x]
            else:
                layout = self.layout[x]
                src = self.get(x, layout)
                dst = self.define(out, layout)
                self.producer[out] = self.g.node("XNNClamp", {"input_id": src, "output_id": dst},
                                                 (lo, hi))
        elif key in ("aten::add.Tensor", "aten::mul.Tensor", "aten::sub.Tensor",
                     "aten::div.Tensor"):
            if key == "aten::add.Tensor" and a.get("alpha", 1) != 1:
                raise XnnpackWriteError("add with alpha")
            x, y = t("self"), t("other")
            layout = "NHWC" if "NHWC" in (self.layout.get(x), self.layout.get(y)) and \
                len(self.shape(out)) == 4 else "NCHW"
            kind = {"aten::add.Tensor": "XNNAdd", "aten::mul.Tensor": "XNNMultiply",
                    "aten::sub.Tensor": "XNNSubtract", "aten::div.Tensor": "XNNDiv"}[key]
            i1, i2 = self.get(x, layout), self.get(y, layout)
            dst = self.define(out, layout)
            self.producer[out] = self.g.node(kind, {"input1_id": i1, "input2_id": i2,
                                                    "output_id": dst})
        elif key == "aten::mean.dim":
            dims = sorted(d % 4 for d in a["dim"])
            if len(self.shape(t("self"))) != 4 or dims != [2, 3]:
                raise XnnpackWriteError("mean over %s" % a["dim"])
            src = self.get(t("self"), "NHWC")
            nchw = self.shape(out) if a["keepdim"] else self.shape(out) + [1, 1]
            dst = self.g.value(_dims("NHWC", nchw))
            self.producer[out] = self.g.node("XNNGlobalAvgPooling2d",
                                             {"input_id": src, "output_id": dst})
            if a["keepdim"]:
                self.ids[(out, "NHWC")] = dst
                self.layout[out] = "NHWC"
            else:
                nchw_id = self.g.value(nchw)
                self.g.node("XNNStaticTranspose", {"num_dims": 4, "perm": NHWC_TO_NCHW,
                                                   "input_id": dst, "output_id": nchw_id})
                self.reshape(nchw_id, out)
        elif key in ("aten::max_pool2d_with_indices.default", "aten::avg_pool2d.default"):
            self.pool(key, a, out)
        elif key in ("aten::view.default", "aten::squeeze.dims", "aten::unsqueeze.default",
                     "aten::clone.default"):
            self.reshape(self.get(t("self"), "NCHW"), out)
        elif key == "aten::addmm.default":
            w = t("mat2")
            if w not in self.tensors:
                raise XnnpackWriteError("addmm of a computed matrix")
            filt = self.g.value(list(self.tensors[w].t().shape), data=self.tensors[w].t())
            bias = self.get(t("self"), "NCHW") if a["self"] else NO_VALUE
            src = self.get(t("mat1"), "NCHW")
            dst = self.define(out, "NCHW")
            self.producer[out] = self.g.node("XNNFullyConnected", {
                "input1_id": src, "filter_id": filt, "bias_id": bias, "output_id": dst})
        else:
            raise XnnpackWriteError("no XNNPACK node for %s" % key)

    def reshape(self, src, out):
        dst = self.define(out, "NCHW")
        dims = self.shape(out)
        self.producer[out] = self.g.node("XNNStaticReshape", {
            "num_dims": len(dims), "new_shape": dims, "input_id": src, "output_id": dst})

    def conv(self, a, out):
        if a["transposed"]:
            raise XnnpackWriteError("transposed convolution")
        x, w = a["input"][1], a["weight"][1]
        weight = self.tensors[w]
        bias = self.tensors[a["bias"][1]] if a["bias"] else None
        shape_in, shape_out = self.shape(x), self.shape(out)
        one_d = len(shape_in) == 3
        if one_d:  # a 1-d convolution as a 2-d one of height 1
            weight = weight.unsqueeze(2)
            r = self.g.value([shape_in[0], shape_in[1], 1, shape_in[2]])
            self.g.node("XNNStaticReshape", {"num_dims": 4,
                                             "new_shape": [shape_in[0], shape_in[1], 1,
                                                           shape_in[2]],
                                             "input_id": self.get(x, "NCHW"), "output_id": r})
            tmp = "%s.2d" % x
            self.meta[tmp] = {"sizes": [{"as_int": d} for d in
                                        [shape_in[0], shape_in[1], 1, shape_in[2]]]}
            self.ids[(tmp, "NCHW")] = r
            self.layout[tmp] = "NCHW"
            x = tmp
            stride, padding, dilation = [1] + a["stride"], [0] + a["padding"], [1] + a["dilation"]
            out_4d = [shape_out[0], shape_out[1], 1, shape_out[2]]
        else:
            stride, padding, dilation = a["stride"], a["padding"], a["dilation"]
            out_4d = shape_out
        self.emit_conv({"weight": weight, "bias": bias, "x": x, "stride": stride,
                        "padding": padding, "dilation": dilation, "groups": a["groups"],
                        "out": out, "out_4d": out_4d, "one_d": one_d})

    def emit_conv(self, c):
        weight, bias = c["weight"], c["bias"]
        groups, o = c["groups"], weight.shape[0]
        depthwise = groups > 1 and weight.shape[1] == 1 and groups == self.shape(c["x"])[1]
        filt_t = weight.permute(1, 2, 3, 0) if depthwise else weight.permute(0, 2, 3, 1)
        filt = self.g.value(list(filt_t.shape), data=filt_t)
        b = self.g.value([o], data=bias) if bias is not None else NO_VALUE
        src = self.get(c["x"], "NHWC")
        dst = self.g.value(_dims("NHWC", c["out_4d"]))
        ph, pw = c["padding"]
        node = self.g.node("XNNDepthwiseConv2d" if depthwise else "XNNConv2d", {
            "padding_top": ph, "padding_right": pw, "padding_bottom": ph, "padding_left": pw,
            "kernel_height": weight.shape[2], "kernel_width": weight.shape[3],
            "subsampling_height": c["stride"][0], "subsampling_width": c["stride"][1],
            "dilation_height": c["dilation"][0], "dilation_width": c["dilation"][1],
            "group_input_channels": weight.shape[1], "group_output_channels": o // groups,
            "groups": groups, "input1_id": src, "filter_id": filt, "bias_id": b,
            "output_id": dst})
        c["node"] = node
        out = c["out"]
        if c["one_d"]:
            nchw = self.g.value(c["out_4d"])
            self.g.node("XNNStaticTranspose", {"num_dims": 4, "perm": NHWC_TO_NCHW,
                                               "input_id": dst, "output_id": nchw})
            self.reshape(nchw, out)
        else:
            self.ids[(out, "NHWC")] = dst
            self.layout[out] = "NHWC"
            self.producer[out] = node
        self.conv_of = {out: c}

    def batch_norm(self, a, out):
        x = a["input"][1]
        c = self.conv_of.get(x)
        if c is None or self.uses.get(x, 0) != 1:
            raise XnnpackWriteError("batch norm not after a convolution")
        mean, var = self.tensors[a["running_mean"][1]], self.tensors[a["running_var"][1]]
        gamma = self.tensors[a["weight"][1]] if a["weight"] else torch.ones_like(mean)
        beta = self.tensors[a["bias"][1]] if a["bias"] else torch.zeros_like(mean)
        scale = gamma / torch.sqrt(var + float(a["eps"]))
        # Refold from the convolution's own weights (the node's constants rewritten).
        node = c.pop("node")
        filt_old, bias_old = node["xnode_union"]["filter_id"], node["xnode_union"]["bias_id"]
        weight = c["weight"] * scale.reshape(-1, 1, 1, 1)
        bias = (c["bias"] if c["bias"] is not None else torch.zeros_like(mean)) * scale + \
            beta - mean * scale
        groups = c["groups"]
        depthwise = groups > 1 and weight.shape[1] == 1 and groups == self.shape(c["x"])[1]
        filt_t = weight.permute(1, 2, 3, 0) if depthwise else weight.permute(0, 2, 3, 1)
        self.g.set_data(filt_old, filt_t)
        if bias_old == NO_VALUE:
            node["xnode_union"]["bias_id"] = self.g.value([weight.shape[0]], data=bias)
        else:
            self.g.set_data(bias_old, bias)
        for layout in ("NHWC", "NCHW"):
            if (x, layout) in self.ids:
                self.ids[(out, layout)] = self.ids[(x, layout)]
        self.layout[out] = self.layout[x]
        self.producer[out] = self.producer[x]
        self.conv_of = {}

    def pool(self, key, a, out):
        x = a["self"][1]
        if len(self.shape(x)) != 4:
            raise XnnpackWriteError("pooling of a %d-d tensor" % len(self.shape(x)))
        k, s = list(a["kernel_size"]), list(a["stride"]) or list(a["kernel_size"])
        p = list(a["padding"]) if a["padding"] else [0, 0]
        if len(p) == 1:
            p = p * 2
        if len(k) == 1:
            k = k * 2
        if len(s) == 1:
            s = s * 2
        if a.get("ceil_mode"):
            raise XnnpackWriteError("ceil mode pooling")
        average = key == "aten::avg_pool2d.default"
        if average and (p != [0, 0] or a.get("divisor_override") is not None):
            raise XnnpackWriteError("average pooling with padding")
        d = list(a.get("dilation") or [1, 1]) if not average else [1, 1]
        src = self.get(x, "NHWC")
        dst = self.define(out, "NHWC")
        self.producer[out] = self.g.node("XNNAvgPooling2d" if average else "XNNMaxPooling2d", {
            "padding_top": p[0], "padding_right": p[1], "padding_bottom": p[0],
            "padding_left": p[1], "pooling_height": k[0], "pooling_width": k[1],
            "stride_height": s[0], "stride_width": s[1], "dilation_height": d[0],
            "dilation_width": d[1], "input_id": src, "output_id": dst})


def xnnpack_blob(graph, output_ids, input_ids, encode_json):
    """The delegate blob: XNNHeader, then the XNNGraph."""
    xgraph = {"version": "0", "xnodes": graph.nodes, "xvalues": graph.values,
              "num_externs": len(input_ids) + len(output_ids), "input_ids": input_ids,
              "output_ids": output_ids, "constant_data": graph.constant_table()}
    flat = encode_json(xgraph)
    head = b"\0\0\0\0XH00" + struct.pack("<HIIIQ", 30, HEADER, len(flat), HEADER + len(flat), 0)
    return head + b"\0" * (HEADER - len(head)) + flat


def build_xnnpack(ep, state, constants, table, encode_json):
    """The Program JSON and its segments (segment 0: the blob; then one per named datum).
    A PT2E Q/DQ program becomes a quantized graph (QBuilder)."""
    quantized = any("quantize_per_tensor" in n["target"]
                    for n in ep["graph_module"]["graph"]["nodes"])
    b = (QBuilder if quantized else Builder)(ep, state, constants)
    inputs, outputs, output_ids = b.build(table)
    input_ids = [b.ids[(name, "NCHW")] for name in inputs]
    blob = xnnpack_blob(b.g, output_ids, input_ids, encode_json)
    c10 = {torch.float32: "FLOAT"}
    values, args = [], []
    for name in inputs + outputs:
        dtype = SCALAR_TYPE_TO_TORCH[b.meta[name]["dtype"]]
        if dtype not in c10:
            raise XnnpackWriteError("a %s input or output" % dtype)
        values.append({"val_type": "Tensor", "val": {
            "scalar_type": c10[dtype], "sizes": b.shape(name),
            "dim_order": list(range(len(b.shape(name))))}})
        args.append(len(values) - 1)
    named = b.g.named()
    segments = [blob] + list(named.values())
    plan = {"name": "forward", "values": values,
            "inputs": args[:len(inputs)], "outputs": args[len(inputs):],
            "chains": [{"inputs": args[:len(inputs)], "outputs": args[len(inputs):],
                        "instructions": [{"instr_args_type": "DelegateCall",
                                          "instr_args": {"delegate_index": 0, "args": args}}]}],
            "delegates": [{"id": "XnnpackBackend",
                           "processed": {"location": "SEGMENT", "index": 0}}],
            "non_const_buffer_sizes": [0]}
    program = {"version": 0, "execution_plan": [plan],
               "named_data": [{"key": k, "segment_index": i + 1}
                              for i, k in enumerate(named)]}
    return program, segments


# --- int8: a PT2E Q/DQ program as a quantized XNNPACK graph ------------------------------

class QBuilder(Builder):
    """The int8 form (export.py --quantize int8, training IR): what ExecuTorch's XNNPACK
    partitioner writes for a PT2E program. Every tensor between a quantize and its
    dequantizes is one qint8 value (PerTensorQuant: the quantize's scale and zero point);
    weights dequantized per channel are qcint8 values (PerChannelQuant over the output
    channel: OHWI filters' dimension 0, depthwise 1HWO filters' dimension 3, fully
    connected [N, K] filters' 0); float32 biases become qcint32 values quantized with the
    scale s_x * s_w[c] (round half to even), as ExecuTorch derives them; the program's
    float input is quantized and its output dequantized by XNNConvert nodes; relu and
    hardtanh before a quantize are the producer's output range (in float), else an
    XNNClamp of quantized values. Operators: conv2d (incl. depthwise), conv1d,
    avg_pool1d and adaptive_avg_pool1d to 1 (their 2-d forms of height 1 between
    reshapes), linear, max_pool2d, adaptive_avg_pool2d to 1x1 (global average pooling),
    add, flatten, dropout (nothing)."""

    def value_q(self, dims, quant, src=None):
        """A qint8 value with PerTensorQuant `quant` = (scale, zero_point)."""
        vid = self.g.value(dims)
        t = self.g.values[vid]["xvalue_union"]
        t["datatype"] = "xnn_datatype_qint8"
        self.g.values[vid] = {"xvalue_union_type": "XNNQuantizedTensorValue",
                              "xvalue_union": {"tensor_value": t,
                                               "quant_params_type": "PerTensorQuant",
                                               "quant_params": {"scale": quant[0],
                                                                "zero_point": quant[1]}}}
        self.vquant[vid] = quant
        return vid

    def const_q(self, data, datatype, scales, channel_dim):
        """A per-channel quantized constant (qcint8 weights, qcint32 biases)."""
        vid = self.g.value(list(data.shape))
        t = self.g.values[vid]["xvalue_union"]
        t["datatype"] = datatype
        t["constant_buffer_idx"] = len(self.g.data)
        self.g.data.append(data.contiguous().numpy().tobytes())
        self.g.values[vid] = {"xvalue_union_type": "XNNQuantizedTensorValue",
                              "xvalue_union": {"tensor_value": t,
                                               "quant_params_type": "PerChannelQuant",
                                               "quant_params": {"scale": [float(s) for s in
                                                                          scales],
                                                                "channel_dim": channel_dim}}}
        return vid

    def build(self, table):
        self.vquant = {}
        nodes = self.graph_json["nodes"]
        self.q_of, self.dq_of, self.dqc = {}, {}, {}
        consumers = {}
        for node in nodes:
            target = node["target"].replace("torch.ops.", "")
            ins = {n["name"]: union(n["arg"]) for n in node["inputs"]}
            out = union(node["outputs"][0])[1].get("name")
            for k, (kind, p) in ins.items():
                if kind == "as_tensor":
                    consumers.setdefault(p["name"], []).append((target, out))
            if target == "quantized_decomposed.quantize_per_tensor.default":
                self.q_of[ins["input"][1]["name"]] = (out, (float(ins["scale"][1]),
                                                          int(ins["zero_point"][1])))
            elif target == "quantized_decomposed.dequantize_per_tensor.default":
                self.dq_of[out] = ins["input"][1]["name"]
            elif target == "quantized_decomposed.dequantize_per_channel.default":
                self.dqc[out] = (ins["input"][1]["name"], ins["scales"][1]["name"],
                                 int(ins["axis"][1]))
        self.consumers = consumers
        return Builder.build(self, table)

    def out_quant(self, name):
        """The qparams a float result is quantized with: through relu/hardtanh of one use
        to the quantize that reads it."""
        seen = name
        while seen not in self.q_of:
            users = self.consumers.get(seen, [])
            if len(users) != 1 or users[0][0] not in (
                    "aten.relu.default", "aten.relu_.default", "aten.hardtanh.default",
                    "aten.hardtanh_.default", "aten.dropout.default",
                    "aten.flatten.using_ints"):
                raise XnnpackWriteError("%s is not quantized" % name)
            seen = users[0][1]
        return self.q_of[seen][1]

    def define(self, name, layout, dims=None):
        dims = dims if dims is not None else _dims(layout, self.shape(name))
        vid = self.value_q(dims, self.out_quant(name))
        self.ids[(name, layout)] = vid
        self.layout[name] = layout
        return vid

    def get(self, name, layout):
        name = self.dq_of.get(name, name)  # a dequantized tensor is its quantized value
        if (name, layout) in self.ids:
            return self.ids[(name, layout)]
        have = self.layout[name]
        src = self.ids[(name, have)]
        vid = self.value_q(_dims(layout, self.shape(name)), self.vquant[src])
        perm = NCHW_TO_NHWC if layout == "NHWC" else NHWC_TO_NCHW
        self.g.node("XNNStaticTranspose", {"num_dims": 4, "perm": perm, "input_id": src,
                                           "output_id": vid})
        self.ids[(name, layout)] = vid
        return vid

    def input_scale(self, name):
        return self.vquant[self.get(name, self.layout[self.dq_of.get(name, name)])][0]

    def weight(self, name, perm, channel_dim, unsqueeze=False):
        w, scales, axis = self.dqc[name]
        if axis != 0:
            raise XnnpackWriteError("weights quantized along axis %d" % axis)
        data = self.tensors[w].to(torch.int8)
        if unsqueeze:  # a 1-d convolution's [O, I, K] as [O, I, 1, K]
            data = data.unsqueeze(2)
        s = self.tensors[scales].double()
        return self.const_q(data.permute(perm) if perm else data, "xnn_datatype_qcint8",
                            s, channel_dim), s

    def bias(self, name, s_x, s_w):
        if name is None:
            return NO_VALUE
        scale = (s_w * s_x).float().double()
        q = torch.round(self.tensors[name].double() / scale).to(torch.int32)
        return self.const_q(q, "xnn_datatype_qcint32", scale, 0)

    def lower(self, node, table):
        target = node["target"].replace("torch.ops.", "")
        ins = {n["name"]: union(n["arg"]) for n in node["inputs"]}
        out = union(node["outputs"][0])[1].get("name")
        arg = lambda k, d=None: ins[k][1] if k in ins else d  # noqa: E731
        if target in ("quantized_decomposed.dequantize_per_tensor.default",
                      "quantized_decomposed.dequantize_per_channel.default"):
            return  # recorded in build()
        if target == "quantized_decomposed.quantize_per_tensor.default":
            src = arg("input")["name"]
            if (src, "NCHW") in self.ids and src in self.layout and \
                    self.layout[src] == "NCHW" and self.ids[(src, "NCHW")] not in self.vquant:
                # The float input: XNNConvert to qint8.
                quant = self.q_of[src][1]
                vid = self.value_q(self.shape(src), quant)
                self.g.node("XNNConvert", {"input_id": self.ids[(src, "NCHW")],
                                           "output_id": vid})
                self.ids[(out, "NCHW")] = vid
                self.layout[out] = "NCHW"
            else:  # the producer's value is this quantize's already
                for layout in ("NCHW", "NHWC"):
                    if (src, layout) in self.ids:
                        self.ids[(out, layout)] = self.ids[(src, layout)]
                self.layout[out] = self.layout[src]
            return
        if target in ("aten.relu.default", "aten.relu_.default", "aten.hardtanh.default",
                      "aten.hardtanh_.default"):
            x = arg("self")["name"]
            lo, hi = (0.0, float("inf")) if "relu" in target else (
                float(arg("min_val", -1.0)), float(arg("max_val", 1.0)))
            if not self.fuse_range(x, lo, hi):
                # Of a quantized tensor (its own quantize before): an XNNClamp node.
                layout = self.layout[self.dq_of.get(x, x)]
                src = self.get(x, layout)
                dst = self.define(out, layout)
                self.producer[out] = self.g.node("XNNClamp", {"input_id": src, "output_id": dst},
                                                 (lo, hi))
                return
            for layout in ("NCHW", "NHWC"):
                if (x, layout) in self.ids:
                    self.ids[(out, layout)] = self.ids[(x, layout)]
            self.layout[out] = self.layout[x]
            self.producer[out] = self.producer[x]
            return
        if target == "aten.dropout.default":
            x = self.dq_of.get(arg("input")["name"], arg("input")["name"])
            for layout in ("NCHW", "NHWC"):
                if (x, layout) in self.ids:
                    self.ids[(out, layout)] = self.ids[(x, layout)]
            self.layout[out] = self.layout[x]
            return
        if target in ("aten.conv1d.default", "aten.avg_pool1d.default",
                      "aten.adaptive_avg_pool1d.default"):
            self.lower_1d(target, arg, out)
            return
        if target == "aten.conv2d.default":
            x, wname = arg("input")["name"], arg("weight")["name"]
            groups = int(arg("groups", 1))
            w_int = self.tensors[self.dqc[wname][0]]
            depthwise = groups > 1 and w_int.shape[1] == 1 and groups == self.shape(x)[1]
            filt, s_w = self.weight(wname, [1, 2, 3, 0] if depthwise else [0, 2, 3, 1],
                                    3 if depthwise else 0)
            s_x = self.input_scale(x)
            b = self.bias(arg("bias")["name"] if arg("bias") else None, s_x, s_w)
            src = self.get(x, "NHWC")
            dst = self.define(out, "NHWC")
            stride = list(arg("stride", [1, 1]))
            pad = list(arg("padding", [0, 0]))
            dil = list(arg("dilation", [1, 1]))
            o = w_int.shape[0]
            self.producer[out] = self.g.node("XNNDepthwiseConv2d" if depthwise else "XNNConv2d", {
                "padding_top": pad[0], "padding_right": pad[1], "padding_bottom": pad[0],
                "padding_left": pad[1], "kernel_height": w_int.shape[2],
                "kernel_width": w_int.shape[3], "subsampling_height": stride[0],
                "subsampling_width": stride[1], "dilation_height": dil[0],
                "dilation_width": dil[1], "group_input_channels": w_int.shape[1],
                "group_output_channels": o // groups, "groups": groups, "input1_id": src,
                "filter_id": filt, "bias_id": b, "output_id": dst})
            return
        if target == "aten.linear.default":
            x, wname = arg("input")["name"], arg("weight")["name"]
            filt, s_w = self.weight(wname, None, 0)
            b = self.bias(arg("bias")["name"] if arg("bias") else None, self.input_scale(x), s_w)
            src = self.get(x, "NCHW")
            dst = self.define(out, "NCHW")
            self.producer[out] = self.g.node("XNNFullyConnected", {
                "input1_id": src, "filter_id": filt, "bias_id": b, "output_id": dst})
            return
        if target == "aten.max_pool2d.default":
            k = list(arg("kernel_size"))
            s = list(arg("stride", [])) or k
            p = list(arg("padding", [0, 0]))
            d = list(arg("dilation", [1, 1]))
            if arg("ceil_mode", False):
                raise XnnpackWriteError("ceil mode")
            src = self.get(arg("self")["name"], "NHWC")
            dst = self.define(out, "NHWC")
            self.producer[out] = self.g.node("XNNMaxPooling2d", {
                "padding_top": p[0], "padding_right": p[1], "padding_bottom": p[0],
                "padding_left": p[1], "pooling_height": k[0], "pooling_width": k[1],
                "stride_height": s[0], "stride_width": s[1], "dilation_height": d[0],
                "dilation_width": d[1], "input_id": src, "output_id": dst})
            return
        if target == "aten.adaptive_avg_pool2d.default":
            if list(arg("output_size")) != [1, 1]:
                raise XnnpackWriteError("adaptive pooling to %s" % arg("output_size"))
            src = self.get(arg("self")["name"], "NHWC")
            dst = self.define(out, "NHWC")
            self.producer[out] = self.g.node("XNNGlobalAvgPooling2d",
                                             {"input_id": src, "output_id": dst})
            return
        if target in ("aten.add.Tensor", "aten.add_.Tensor"):
            x, y = arg("self")["name"], arg("other")["name"]
            lx = self.layout[self.dq_of.get(x, x)]
            ly = self.layout[self.dq_of.get(y, y)]
            layout = "NHWC" if "NHWC" in (lx, ly) and len(self.shape(out)) == 4 else "NCHW"
            i1, i2 = self.get(x, layout), self.get(y, layout)
            dst = self.define(out, layout)
            self.producer[out] = self.g.node("XNNAdd", {"input1_id": i1, "input2_id": i2,
                                                        "output_id": dst})
            return
        if target == "aten.flatten.using_ints":
            src = self.get(arg("self")["name"], "NCHW")
            dst = self.define(out, "NCHW")
            dims = self.shape(out)
            self.producer[out] = self.g.node("XNNStaticReshape", {
                "num_dims": len(dims), "new_shape": dims, "input_id": src, "output_id": dst})
            return
        raise XnnpackWriteError("no int8 XNNPACK node for %s" % target)

    def view_4d(self, name):
        """A [N, C, L] quantized value as [N, C, 1, L] (a static reshape); its name."""
        src = self.get(name, "NCHW")
        n, c, length = self.shape(self.dq_of.get(name, name))
        vid = self.value_q([n, c, 1, length], self.vquant[src])
        self.g.node("XNNStaticReshape", {"num_dims": 4, "new_shape": [n, c, 1, length],
                                         "input_id": src, "output_id": vid})
        tmp = "%s.4d" % name
        self.meta[tmp] = {"sizes": [{"as_int": d} for d in (n, c, 1, length)]}
        self.ids[(tmp, "NCHW")] = vid
        self.layout[tmp] = "NCHW"
        return tmp

    def lower_1d(self, target, arg, out):
        """conv1d and the 1-d poolings as their 2-d forms of height 1, in NHWC between
        reshapes (as ExecuTorch's partitioner rewrites them)."""
        x = self.view_4d(arg("input" if target == "aten.conv1d.default" else "self")["name"])
        n, o, length = self.shape(out)
        quant = self.out_quant(out)
        dst = self.value_q([n, 1, length, o], quant)
        if target == "aten.conv1d.default":
            wname = arg("weight")["name"]
            groups = int(arg("groups", 1))
            w_int = self.tensors[self.dqc[wname][0]]
            if groups != 1:
                raise XnnpackWriteError("grouped 1-d convolution")
            filt, s_w = self.weight(wname, [0, 2, 3, 1], 0, unsqueeze=True)
            b = self.bias(arg("bias")["name"] if arg("bias") else None,
                          self.input_scale(arg("input")["name"]), s_w)
            stride, pad = list(arg("stride", [1])), list(arg("padding", [0]))
            dil = list(arg("dilation", [1]))
            node = self.g.node("XNNConv2d", {
                "padding_top": 0, "padding_right": pad[0], "padding_bottom": 0,
                "padding_left": pad[0], "kernel_height": 1, "kernel_width": w_int.shape[2],
                "subsampling_height": 1, "subsampling_width": stride[0],
                "dilation_height": 1, "dilation_width": dil[0],
                "group_input_channels": w_int.shape[1], "group_output_channels": o,
                "groups": 1, "input1_id": self.get(x, "NHWC"), "filter_id": filt,
                "bias_id": b, "output_id": dst})
        elif target == "aten.avg_pool1d.default":
            k = list(arg("kernel_size"))
            st = list(arg("stride", [])) or k
            if list(arg("padding", [0])) != [0] or arg("ceil_mode", False):
                raise XnnpackWriteError("1-d average pooling with padding or ceil mode")
            node = self.g.node("XNNAvgPooling2d", {
                "padding_top": 0, "padding_right": 0, "padding_bottom": 0, "padding_left": 0,
                "pooling_height": 1, "pooling_width": k[0], "stride_height": 1,
                "stride_width": st[0], "dilation_height": 1, "dilation_width": 1,
                "input_id": self.get(x, "NHWC"), "output_id": dst})
        else:
            if list(arg("output_size")) != [1]:
                raise XnnpackWriteError("adaptive pooling to %s" % arg("output_size"))
            node = self.g.node("XNNGlobalAvgPooling2d",
                               {"input_id": self.get(x, "NHWC"), "output_id": dst})
        nchw = self.value_q([n, o, 1, length], quant)
        self.g.node("XNNStaticTranspose", {"num_dims": 4, "perm": NHWC_TO_NCHW,
                                           "input_id": dst, "output_id": nchw})
        final = self.define(out, "NCHW")
        self.g.node("XNNStaticReshape", {"num_dims": 3, "new_shape": [n, o, length],
                                         "input_id": nchw, "output_id": final})
        self.producer[out] = node  # a relu after it is the node's output range

    def output_value(self, name):
        """The float output: XNNConvert of the quantized value a dequantize reads."""
        q = self.dq_of.get(name)
        if q is None:
            raise XnnpackWriteError("output %s is not a dequantize" % name)
        src = self.get(q, "NCHW")
        vid = self.g.value(self.shape(name))
        self.g.node("XNNConvert", {"input_id": src, "output_id": vid})
        return vid
