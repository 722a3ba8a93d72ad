#!/usr/bin/env python3
"""Write a `.pt2` program (export.py's) as an ExecuTorch portable program (`.pte`).

    /usr/bin/python3 test/models/pte_from_pt2.py MODEL.pt2 --out MODEL.pte \\
        [--flatc flatc] [--schema compiler/import/pte/schema] [--xnnpack]

With --xnnpack the program is one XNNPACK delegate instead (pte_xnnpack.py).

No ExecuTorch exists for torch 1.13, so this writes what `to_edge().to_executorch()`
writes for a program of portable kernels (FORMATS.md §3), from the graph export.py
captured: one method `forward`, one chain, one KernelCall per node, calling the
operator's out variant with every argument of its schema (defaults filled in), then its
out tensors, then the values it returns (the out tensors again), as ExecuTorch's emitter
orders them. The out variant is the overload torch names for it where torch 1.13 has one
(`aten::add.Tensor` -> `aten::add.out`, `aten::add.Scalar` -> `aten::add.Scalar_out`: the
overload whose arguments are the functional one's plus out tensors), else `out` for a
default overload and `<overload>_out` for another; a view is its copying form
(`aten::view.default` -> `aten::view_copy.out`), as in ExecuTorch's edge dialect. Values: one Tensor per graph tensor
(c10 dtype codes, contiguous dim order; the user inputs and intermediates planned into
one buffer, memory_id 1, without reuse; the weights constants in the constant segment,
each at a multiple of 16 bytes, `offsets[0]` the placeholder), an Int, Double, Bool,
String or Null per scalar argument, IntList items as indices of Int values. A number
given for a Tensor argument becomes a 0-d constant tensor. The bytes are laid out by
pte_writer.py.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch_python  # noqa: E402

torch_python.ensure()

import torch  # noqa: E402

import schemas  # noqa: E402
from pt2_reader import open_archive, sym_int_value, union  # noqa: E402
from pte_writer import encode, encode_flatbuffer  # noqa: E402
from pte_xnnpack import XnnpackWriteError, build_xnnpack  # noqa: E402
from torch_enums import LAYOUT_TO_TORCH, MEMORY_FORMAT_TO_TORCH, SCALAR_TYPE_TO_TORCH  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA_DIR = os.path.join(HERE, "..", "..", "compiler", "import", "pte", "schema")

# torch dtype -> c10 ScalarType code (the .pte numbering) and its schema name.
C10 = {torch.uint8: 0, torch.int8: 1, torch.int16: 2, torch.int32: 3, torch.int64: 4,
       torch.float16: 5, torch.float32: 6, torch.float64: 7, torch.bool: 11,
       torch.bfloat16: 15}
C10_NAMES = {0: "BYTE", 1: "CHAR", 2: "SHORT", 3: "INT", 4: "LONG", 5: "HALF", 6: "FLOAT",
             7: "DOUBLE", 11: "BOOL", 15: "BFLOAT16"}
C10_MEMORY_FORMAT = {torch.contiguous_format: 0, torch.preserve_format: 1,
                     torch.channels_last: 2, torch.channels_last_3d: 3}
TENSOR_ALIGNMENT = 16


class PteWriteError(Exception):
    pass


def out_variant(schema):
    """The overload name of a functional schema's out variant."""
    try:
        packet = getattr(getattr(torch.ops, schema.namespace), schema.name)
        functional = getattr(packet, schema.overload_name)._schema
    except (AttributeError, RuntimeError):
        packet = functional = None
    if functional is not None:
        want = [(a.name, str(a.type)) for a in functional.arguments]
        for name in packet.overloads():
            s = getattr(packet, name)._schema
            outs = [a for a in s.arguments if a.alias_info is not None and a.alias_info.is_write]
            rest = [(a.name, str(a.type)) for a in s.arguments
                    if not (a.alias_info is not None and a.alias_info.is_write)]
            if outs and rest == want and len(outs) == len(functional.returns):
                return name
    return "out" if schema.overload_name == "default" else schema.overload_name + "_out"


class Builder:
    def __init__(self, ep, state, constants):
        self.graph = ep["graph_module"]["graph"]
        self.signature = ep["graph_module"]["signature"]
        self.meta = self.graph.get("tensor_values", {})
        self.values = []
        self.tensor_index = {}
        self.constant_data = [b""]  # offsets[0]: the placeholder
        self.planned = 0
        self.state, self.constants = state, constants
        self.operators, self.instructions = [], []

    def add(self, kind, val):
        self.values.append({"val_type": kind, "val": val})
        return len(self.values) - 1

    def tensor_value(self, dtype, sizes, constant=None, planned=False):
        t = {"scalar_type": C10_NAMES[C10[dtype]], "sizes": list(sizes),
             "dim_order": list(range(len(sizes)))}
        if constant is not None:
            t["data_buffer_idx"] = len(self.constant_data)
            self.constant_data.append(constant.contiguous().numpy().tobytes()
                                      if constant.dtype != torch.bfloat16 else
                                      constant.contiguous().view(torch.int16).numpy().tobytes())
        elif planned:
            size = torch.empty((), dtype=dtype).element_size()
            for d in sizes:
                size *= d
            t["allocation_info"] = {"memory_id": 1, "memory_offset_low": self.planned & 0xffffffff,
                                    "memory_offset_high": self.planned >> 32}
            self.planned += (size + TENSOR_ALIGNMENT - 1) // TENSOR_ALIGNMENT * TENSOR_ALIGNMENT
        return self.add("Tensor", t)

    def named_tensor(self, name, constant=None):
        if name in self.tensor_index:
            return self.tensor_index[name]
        if constant is not None:
            index = self.tensor_value(constant.dtype, constant.shape, constant=constant)
        else:
            m = self.meta[name]
            dtype = SCALAR_TYPE_TO_TORCH[m["dtype"]]
            sizes = [sym_int_value(s) for s in m["sizes"]]
            index = self.tensor_value(dtype, sizes, planned=True)
        self.tensor_index[name] = index
        return index

    def scalar(self, arg_type, kind, p):
        if kind == "as_none":
            return self.add("Null", {})
        if kind == "as_tensor":
            return self.named_tensor(p["name"])
        if kind == "as_tensors":
            return self.add("TensorList", {"items": [self.named_tensor(t["name"]) for t in p]})
        if kind == "as_optional_tensors":
            items = []
            for t in p:
                k, v = union(t)
                items.append(-1 if k == "as_none" else self.named_tensor(v["name"]))
            return self.add("OptionalTensorList", {"items": items})
        if kind in ("as_int", "as_sym_int"):
            v = sym_int_value(p) if kind == "as_sym_int" else p
            if arg_type.is_tensor and not arg_type.is_list:
                return self.constant_number(torch.tensor(v))
            return self.add("Int", {"int_val": int(v)})
        if kind == "as_float":
            if arg_type.is_tensor and not arg_type.is_list:
                return self.constant_number(torch.tensor(float(p), dtype=torch.float32))
            return self.add("Double", {"double_val": float(p)})
        if kind == "as_bool":
            return self.add("Bool", {"bool_val": bool(p)})
        if kind == "as_string":
            return self.add("String", {"string_val": p})
        if kind in ("as_ints", "as_sym_ints"):
            items = [self.add("Int", {"int_val": int(sym_int_value(x) if kind == "as_sym_ints"
                                                     else x)}) for x in p]
            return self.add("IntList", {"items": items})
        if kind == "as_floats":
            return self.add("DoubleList", {"items": [float(x) for x in p]})
        if kind == "as_bools":
            return self.add("BoolList", {"items": [bool(x) for x in p]})
        if kind == "as_scalar_type":
            return self.add("Int", {"int_val": C10[SCALAR_TYPE_TO_TORCH[p]]})
        if kind == "as_memory_format":
            return self.add("Int", {"int_val": C10_MEMORY_FORMAT[MEMORY_FORMAT_TO_TORCH[p]]})
        if kind == "as_layout":
            if LAYOUT_TO_TORCH[p] != torch.strided:
                raise PteWriteError("layout %r" % p)
            return self.add("Int", {"int_val": 0})
        raise PteWriteError("argument of kind %s" % kind)

    def constant_number(self, t):
        return self.tensor_value(t.dtype, [], constant=t)

    def default(self, argument):
        """An omitted argument's default as a value."""
        v, t = argument.default, argument.type
        if v is None:
            return self.add("Null", {})
        if isinstance(v, bool):
            return self.add("Bool", {"bool_val": v})
        if isinstance(v, int) and not t.is_list:
            if t.is_tensor:
                return self.constant_number(torch.tensor(v))
            return self.add("Int", {"int_val": v})
        if isinstance(v, float):
            if t.is_tensor:
                return self.constant_number(torch.tensor(v, dtype=torch.float32))
            return self.add("Double", {"double_val": v})
        if isinstance(v, (list, tuple)):
            if t.base == "float":
                return self.add("DoubleList", {"items": [float(x) for x in v]})
            if t.base == "bool":
                return self.add("BoolList", {"items": [bool(x) for x in v]})
            return self.add("IntList", {"items": [self.add("Int", {"int_val": int(x)})
                                                  for x in v]})
        if isinstance(v, str):
            return self.add("String", {"string_val": v})
        raise PteWriteError("default %r of %s" % (v, argument.name))

    def operator(self, name, overload):
        key = (name, overload)
        if key not in self.operators:
            self.operators.append(key)
        return self.operators.index(key)

    def build(self, table):
        inputs, outputs = [], []
        for spec in self.signature["input_specs"]:
            kind, p = union(spec)
            name = p["arg"]["name"] if "arg" in p and "name" in p["arg"] else None
            if kind == "parameter":
                self.named_tensor(name, self.state[p["parameter_name"]])
            elif kind == "buffer":
                fqn = p["buffer_name"]
                self.named_tensor(name, self.state[fqn] if fqn in self.state
                                  else self.constants[fqn])
            elif kind == "tensor_constant":
                self.named_tensor(name, self.constants[p["tensor_constant_name"]])
            elif kind == "user_input":
                akind, arg = union(p["arg"])
                if akind != "as_tensor":
                    raise PteWriteError("a non-tensor user input")
                inputs.append(self.named_tensor(arg["name"]))
            else:
                raise PteWriteError("input spec %s" % kind)
        for node in self.graph["nodes"]:
            schema = table.from_target(node["target"])
            if schema is None:
                raise PteWriteError("no schema for %s" % node["target"])
            # In-place operators (`hardtanh_`) are functionalized, as to_edge does.
            if schema.is_inplace and schema.name.endswith("_"):
                functional = table.get("%s::%s.%s" % (schema.namespace, schema.name[:-1],
                                                      schema.overload_name))
                if functional is None:
                    raise PteWriteError("no functional form of %s" % schema.key)
                schema = functional
            # Views become their copying forms, as in ExecuTorch's edge dialect.
            copy = table.get("%s::%s_copy.%s" % (schema.namespace, schema.name,
                                                 schema.overload_name))
            if copy is not None and [a.name for a in copy.arguments] == \
                    [a.name for a in schema.arguments]:
                schema = copy
            given = {n["name"]: n["arg"] for n in node["inputs"]}
            args = []
            for a in schema.arguments:
                if a.name in given:
                    kind, p = union(given[a.name])
                    args.append(self.scalar(a.type, kind, p))
                elif a.has_default:
                    args.append(self.default(a))
                else:
                    raise PteWriteError("%s: argument %s missing" % (node["target"], a.name))
            outs = []
            for out in node["outputs"]:
                kind, p = union(out)
                if kind == "as_tensor":
                    outs.append(self.named_tensor(p["name"]))
                elif kind == "as_tensors":
                    outs.extend(self.named_tensor(t["name"]) for t in p)
                else:
                    raise PteWriteError("%s: output %s" % (node["target"], kind))
            op = self.operator("%s::%s" % (schema.namespace, schema.name), out_variant(schema))
            self.instructions.append({"instr_args_type": "KernelCall",
                                      "instr_args": {"op_index": op,
                                                     "args": args + outs + outs}})
        for spec in self.signature["output_specs"]:
            kind, p = union(spec)
            if kind != "user_output":
                continue
            akind, arg = union(p["arg"])
            if akind != "as_tensor":
                raise PteWriteError("a non-tensor user output")
            outputs.append(self.named_tensor(arg["name"]))
        plan = {"name": "forward", "values": self.values, "inputs": inputs, "outputs": outputs,
                "chains": [{"inputs": inputs, "outputs": outputs,
                            "instructions": self.instructions}],
                "operators": [{"name": n, "overload": o} for n, o in self.operators],
                "non_const_buffer_sizes": [0, self.planned]}
        # The constant segment: each constant at a multiple of TENSOR_ALIGNMENT.
        blob, offsets = bytearray(), []
        for data in self.constant_data:
            blob += b"\0" * (-len(blob) % TENSOR_ALIGNMENT)
            offsets.append(len(blob))
            blob += data
        program = {"version": 0, "execution_plan": [plan],
                   "constant_segment": {"segment_index": 0, "offsets": offsets}}
        return program, [bytes(blob)]


def write_pte(pt2, out, flatc="flatc", schema_dir=SCHEMA_DIR, xnnpack=False):
    archive = open_archive(pt2)
    if xnnpack:
        program, segments = build_xnnpack(
            archive.exported_program(), archive.state_dict(), archive.constants(),
            schemas.load(),
            lambda obj: encode_flatbuffer(obj, os.path.join(schema_dir, "xnnpack.fbs"), flatc))
    else:
        builder = Builder(archive.exported_program(), archive.state_dict(),
                          archive.constants())
        program, segments = builder.build(schemas.load())
    data = encode(program, segments, flatc, schema_dir)
    with open(out, "wb") as f:
        f.write(data)
    return len(data)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("pt2")
    p.add_argument("--out", required=True)
    p.add_argument("--flatc", default="flatc")
    p.add_argument("--schema", default=SCHEMA_DIR)
    p.add_argument("--xnnpack", action="store_true",
                   help="the whole graph in one XNNPACK delegate (pte_xnnpack.py)")
    a = p.parse_args(argv)
    try:
        size = write_pte(a.pt2, a.out, a.flatc, a.schema, a.xnnpack)
    except (PteWriteError, XnnpackWriteError, KeyError) as e:
        print("pte_from_pt2.py: %s: %s" % (a.pt2, e), file=sys.stderr)
        return 1
    print("%s: %d bytes" % (a.out, size))
    return 0


if __name__ == "__main__":
    sys.exit(main())
