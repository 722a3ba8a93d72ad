#!/usr/bin/env python3
"""Evaluate a `.pt2` archive node by node with torch 1.13's ATen kernels.

    /usr/bin/python3 test/models/reference.py MODEL.pt2 --input x.npy [--input ...] --out DIR
    /usr/bin/python3 test/models/reference.py MODEL.pt2 --make-input IN [--seed N] --out DIR

writes DIR/output_K.npy for each user output, in output-spec order, and DIR/dtypes.json
(npy_dtypes.py: the dtype of each user input and output; a bfloat16 output is written as
float32 holding the same values, and a float32 --input file is taken as bfloat16 where the
graph declares a bfloat16 input). `--make-input IN`
first writes seeded random IN/input_K.npy for every user input (make_inputs.py: the
declared dtype and shape; floats standard normal, ints small non-negative, bools random)
and runs on those. This is an independent reader of what export.py writes (zipfile +
json; torch.export does not exist in 1.13), so it also serves as a check of real `.pt2`
files of every layout (2.9, 2.8, the 2.3-2.7 and 2.1/2.2 flat zips; pt2_reader.py):

* weights are rebuilt from the weight files and their config (as_strided with
  sizes/strides/storage_offset, FORMATS.md §1.3), or torch.load-ed from the torch.save
  payloads of the older layouts;
* old JSON is accepted: unions listing every member with nulls, bare-int storage_offset,
  int `schema_version` and `dialect`, nodes without names (errors then name the node by
  its first output), a Python number given for a Tensor argument (torch 2.2 wrote
  `aten.add.Tensor(self, other={"as_int": 1})`; it becomes a 0-dim tensor);
* each node's target `torch.ops.<ns>.<op>.<overload>` is looked up in aten.schemas,
  omitted arguments are filled from the schema's defaults, and the op is run through
  aten_eval (torch 1.13 kernels, with a COMPAT table for torch >= 2.9-only ops such as
  `_native_batch_norm_legit_no_training` and the PT2E `quantized_decomposed` quantize /
  dequantize / choose_qparams operators of quantized graphs);
* in-place ops mutate their argument as in eager mode; multi-output nodes bind each
  output name; computed dtypes and shapes are checked against `tensor_values`.

An operator that is not in aten.schemas, or that torch 1.13 cannot run, stops the run
with exit status 1 and a message naming the node and the operator.
`--allow-torch-schemas` instead takes a missing operator's schema from torch 1.13 itself
(with a warning), for real files whose operators the table lacks.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch_python  # noqa: E402

torch_python.ensure()

import numpy as np  # noqa: E402
import torch  # noqa: E402

import aten_eval  # noqa: E402
import make_inputs  # noqa: E402
import npy_dtypes  # noqa: E402
import schemas  # noqa: E402
from pt2_reader import ArchiveError, open_archive, sym_int_value, union  # noqa: E402
from torch_enums import (LAYOUT_TO_TORCH, MEMORY_FORMAT_TO_TORCH, SCALAR_TYPE_TO_TORCH,  # noqa: E402
                         default_to_torch)


class GraphError(Exception):
    pass


def _float(v):
    return float(v)  # also turns "Infinity"/"-Infinity"/"NaN" into floats


def decode_argument(arg, env):
    kind, p = union(arg)
    if kind == "as_none":
        return None
    if kind == "as_tensor":
        return env[p["name"]]
    if kind == "as_tensors":
        return [env[t["name"]] for t in p]
    if kind == "as_optional_tensors":
        out = []
        for t in p:
            k, v = union(t)
            out.append(None if k == "as_none" else env[v["name"]])
        return out
    if kind in ("as_int", "as_bool", "as_string"):
        return p
    if kind == "as_float":
        return _float(p)
    if kind in ("as_ints", "as_bools", "as_strings"):
        return list(p)
    if kind == "as_floats":
        return [_float(x) for x in p]
    if kind == "as_sym_int":
        return sym_int_value(p) if "as_int" in p else _unsupported(kind, p)
    if kind == "as_sym_ints":
        return [sym_int_value(x) if "as_int" in x else _unsupported(kind, x) for x in p]
    if kind == "as_scalar_type":
        return SCALAR_TYPE_TO_TORCH[p]
    if kind == "as_memory_format":
        return MEMORY_FORMAT_TO_TORCH[p]
    if kind == "as_layout":
        return LAYOUT_TO_TORCH[p]
    if kind == "as_device":
        return torch.device(p["type"], p.get("index")) if p.get("index") is not None \
            else torch.device(p["type"])
    return _unsupported(kind, p)


def _unsupported(kind, payload):
    raise GraphError("unsupported argument %s: %r" % (kind, payload))


def _static_size(s):
    """The int of a SymInt, or None for a symbolic one."""
    if isinstance(s, int):
        return s
    kind, payload = union(s)
    return int(payload) if kind == "as_int" else None


def _check_meta(name, t, tensor_values):
    meta = tensor_values.get(name)
    if meta is None or not isinstance(t, torch.Tensor):
        return
    want_dtype = SCALAR_TYPE_TO_TORCH.get(meta["dtype"])
    # Symbolic (dynamic) dimensions take whatever size the input gives them.
    want_sizes = [_static_size(s) for s in meta["sizes"]]
    got = list(t.shape)
    if t.dtype != want_dtype or len(got) != len(want_sizes) or any(
            w is not None and w != g for w, g in zip(want_sizes, got)):
        raise GraphError("value %s: computed %s%s, tensor_values says %s%s"
                         % (name, t.dtype, list(t.shape), want_dtype, want_sizes))


def _tensor_from_number(v):
    """A Python number where the schema wants a Tensor: a 0-dim tensor of the number's kind,
    as torch's wrapped numbers (bool -> bool, int -> int64, float -> default dtype)."""
    if isinstance(v, bool):
        return torch.tensor(v, dtype=torch.bool)
    if isinstance(v, int):
        return torch.tensor(v, dtype=torch.int64)
    return torch.tensor(v, dtype=torch.get_default_dtype())


def _torch_schema_for(target):
    """torch 1.13's own schema of `torch.ops.<ns>.<name>.<overload>`, or None."""
    parts = target.split(".")
    if len(parts) != 5 or parts[:2] != ["torch", "ops"]:
        return None
    op = aten_eval.torch_op(parts[2], parts[3], parts[4])
    return aten_eval.torch_schema(op) if op is not None else None


def _node_label(node):
    """The node's name, or (older files have none) its first output's name."""
    if node.get("name"):
        return node["name"]
    for out in node.get("outputs", []):
        try:
            kind, p = union(out)
        except ArchiveError:
            continue
        if kind == "as_tensor":
            return p["name"]
        if kind == "as_tensors" and p:
            return p[0]["name"]
    return "?"


def _user_input_dtypes(ep):
    """The declared dtype of every tensor user input (sizes may be symbolic)."""
    tensor_values = ep["graph_module"]["graph"].get("tensor_values", {})
    out = []
    for spec in ep["graph_module"]["signature"]["input_specs"]:
        kind, p = union(spec)
        if kind == "user_input":
            akind, arg = union(p["arg"])
            if akind == "as_tensor" and arg["name"] in tensor_values:
                out.append(SCALAR_TYPE_TO_TORCH[tensor_values[arg["name"]]["dtype"]])
    return out


def _as_declared(name, t, tensor_values):
    """A user input in the dtype its tensor_values entry declares: a float32 array stands
    for a bfloat16 input (npy_dtypes; exact values only); any other mismatch is an error."""
    meta = tensor_values.get(name)
    want = SCALAR_TYPE_TO_TORCH.get(meta["dtype"]) if meta else None
    if not isinstance(t, torch.Tensor) or want is None or t.dtype == want:
        return t
    try:
        return npy_dtypes.from_numpy(t.numpy(), want)
    except ValueError as e:
        raise GraphError("input %s: %s" % (name, e)) from None


def run(path, inputs, table, allow_torch_schemas=False, mutations=None):
    """User outputs of the graph on `inputs`. If `mutations` is a dict, it receives the new
    value of every mutated buffer (buffer_mutation output specs), keyed by buffer FQN."""
    archive = open_archive(path)
    ep = archive.exported_program()
    gm = ep["graph_module"]
    graph, signature = gm["graph"], gm["signature"]
    state, constants = archive.state_dict(), archive.constants()
    tensor_values = graph.get("tensor_values", {})

    env = {}
    user_inputs = iter(inputs)
    for spec in signature["input_specs"]:
        kind, p = union(spec)
        if kind == "parameter":
            env[p["arg"]["name"]] = state[p["parameter_name"]]
        elif kind == "buffer":
            fqn = p["buffer_name"]
            env[p["arg"]["name"]] = state[fqn] if fqn in state else constants[fqn]
        elif kind == "tensor_constant":
            env[p["arg"]["name"]] = constants[p["tensor_constant_name"]]
        elif kind == "user_input":
            akind, arg = union(p["arg"])
            if akind != "as_tensor":
                raise GraphError("non-tensor user input %r is not supported" % (p["arg"],))
            try:
                t = next(user_inputs)
            except StopIteration:
                raise GraphError("the graph has more user inputs than --input files") from None
            env[arg["name"]] = _as_declared(arg["name"], t, tensor_values)
        else:
            raise GraphError("unsupported input spec %s" % kind)
    if next(user_inputs, None) is not None:
        raise GraphError("more --input files than user inputs in the graph")

    warned = set()
    for node in graph["nodes"]:
        target = node["target"]
        name = _node_label(node)
        schema = table.from_target(target)
        if schema is None and allow_torch_schemas:
            schema = _torch_schema_for(target)
            if schema is not None and target not in warned:
                warned.add(target)
                print("reference.py: warning: %s is not in %s; using torch %s's schema %s"
                      % (target, table.path, torch.__version__, schema.text), file=sys.stderr)
        if schema is None:
            raise GraphError("node '%s': unknown operator %s (not in %s)" % (name, target, table.path))
        args = {}
        for named in node["inputs"]:
            if named["name"] not in {a.name for a in schema.arguments}:
                raise GraphError("node '%s' (%s): no argument named %r in schema %s"
                                 % (name, target, named["name"], schema.text))
            args[named["name"]] = decode_argument(named["arg"], env)
        for a in schema.arguments:
            v = args.get(a.name)
            if a.type.base == "Tensor" and not a.type.is_list and \
                    isinstance(v, (bool, int, float)):
                args[a.name] = _tensor_from_number(v)
            if a.name not in args:
                if not a.has_default:
                    raise GraphError("node '%s' (%s): required argument %r missing"
                                     % (name, target, a.name))
                args[a.name] = default_to_torch(a.default)
        try:
            results = aten_eval.call(schema, args)
        except aten_eval.UnknownOperator as e:
            raise GraphError("node '%s' (%s): %s" % (name, target, e)) from None
        outputs = node["outputs"]
        if len(outputs) != len(results):
            raise GraphError("node '%s' (%s): %d outputs listed, op returned %d"
                             % (name, target, len(outputs), len(results)))
        for out, r in zip(outputs, results):
            kind, p = union(out)
            if kind == "as_tensor":
                env[p["name"]] = r
                _check_meta(p["name"], r, tensor_values)
            elif kind == "as_tensors":
                for t, v in zip(p, r):
                    env[t["name"]] = v
                    _check_meta(t["name"], v, tensor_values)
            elif kind == "as_none":
                pass
            else:
                raise GraphError("node '%s': unsupported output %s" % (name, kind))

    results = []
    for spec in signature["output_specs"]:
        kind, p = union(spec)
        if kind == "buffer_mutation" and mutations is not None:
            mutations[p["buffer_name"]] = env[p["arg"]["name"]]
        if kind != "user_output":
            continue  # buffer mutations etc. are not user outputs
        akind, arg = union(p["arg"])
        if akind == "as_tensor":
            results.append(env[arg["name"]])
        elif akind == "as_none":
            results.append(None)
        else:
            results.append(decode_argument(p["arg"], env))
    return results


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("pt2")
    p.add_argument("--input", action="append", default=[], help=".npy input (repeat, in order)")
    p.add_argument("--make-input", metavar="DIR",
                   help="write seeded random DIR/input_K.npy for every user input and use them")
    p.add_argument("--seed", type=int, default=0, help="seed of --make-input")
    p.add_argument("--out", required=True)
    p.add_argument("--schemas", default=schemas.DEFAULT_TABLE)
    p.add_argument("--allow-torch-schemas", action="store_true",
                   help="take operators missing from the table from torch 1.13's own schemas")
    args = p.parse_args(argv)

    if args.make_input and args.input:
        p.error("--make-input and --input exclude each other")
    try:
        if args.make_input:
            files = make_inputs.make_inputs(args.pt2, args.make_input, args.seed, verbose=True)
        else:
            files = args.input
        inputs = [npy_dtypes.from_numpy(np.load(f)) for f in files]
        with torch.no_grad():
            outputs = run(args.pt2, inputs, schemas.load(args.schemas), args.allow_torch_schemas)
        declared = _user_input_dtypes(open_archive(args.pt2).exported_program())
    except (GraphError, ArchiveError) as e:
        print("reference.py: %s: %s" % (args.pt2, e), file=sys.stderr)
        return 1
    os.makedirs(args.out, exist_ok=True)
    names = []
    for k, t in enumerate(outputs):
        if isinstance(t, torch.Tensor):
            arr, name = npy_dtypes.to_numpy(t), npy_dtypes.dtype_name(t.dtype)
        else:  # a non-tensor user output (None, a number)
            arr = np.asarray(t)
            name = str(arr.dtype)
        np.save(os.path.join(args.out, "output_%d.npy" % k), arr)
        names.append(name)
        if args.make_input:
            print("output_%d: %s %s" % (k, name, list(arr.shape)))
    npy_dtypes.write_dtypes_json(args.out, declared, names)
    return 0


if __name__ == "__main__":
    sys.exit(main())
