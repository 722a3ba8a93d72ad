#!/usr/bin/env python3
"""Self-check of the fixture generator: export.py -> .pt2 -> reference.py == PyTorch.

    /usr/bin/python3 test/models/check_roundtrip.py [--models mlp,small_cnn|all] [--irs training,core]
        [--layouts 2.9,2.8,legacy,legacy-2.2] [--no-variants] [--fixtures DIR]
        [--keep DIR] [--verbose]

For every model and IR: runs export.py and reference.py as commands for the default 2.9
layout, then writes every other layout in-process from the same program, and evaluates
each archive with reference.run, comparing every output with the module's own (same dtype
and shape; floats within rtol 1e-4, atol 1e-5, integers and bools equal). The CLI case
also checks export.py's .npy files against its dtypes.json (each file in its dtype,
bfloat16 as float32 with exact values, C order) and reference.py's dtypes.json against it.
Variants: `--deflate`, `--zip64`, both, and `--share-storage` (models with a parameter of
two or more dimensions) for every layout, and `--root` for the rooted ones (skipped with
--no-variants). Structural checks per layout:

* 2.9 (FORMATS.md §1.2-1.4): one root folder, stored records whose data starts on a
  64-byte boundary behind an `FB` extra field, readable by torch's own PyTorchFileReader
  with the same bytes, the fixed records' contents, the JSON's top-level shape, a
  tensor_values entry for every value, every operator in aten.schemas.
* 2.8: the same container rules; exactly the torch 2.8 record list (no *_config.json);
  the 2.8 JSON (schema 8.8, no node names); weights/constants torch.load-able and equal
  to the program's.
* legacy / legacy-2.2: the flat member list of torch 2.3-2.7 / 2.1-2.2, `version` equal
  to the JSON's schema version; 2.2: every union lists all members, key orders equal to
  the real 2.2 file's (when ../shared/fixtures is present), AOT placeholder names.
* every nested torch.save: root `archive/`, the record order of the torch version, and a
  pickle whose opcodes and GLOBALs are those of FORMATS.md §2.2 (others are reported).

Then the real torch 2.2 file `pt2/hades_mlp_torch22.pt2` from the shared fixtures (skipped
if absent): reference.py --make-input on it, finite outputs equal to the same network
rebuilt by hand with torch.nn.functional from the file's weights (train-mode batch norm,
including the updated running statistics), and our 2.2-style torch.save containers equal
to the file's nested ones except for the name hash in serialization_id.
Prints one line per case and a summary; exits 1 on any failure.
"""

import argparse
import io
import json
import os
import pickletools
import re
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import torch_python  # noqa: E402

torch_python.ensure()

import numpy as np  # noqa: E402
import torch  # noqa: E402

import npy_dtypes  # noqa: E402
import schemas  # noqa: E402

RTOL, ATOL = 1e-4, 1e-5
VERIFIER = {"training": "TRAINING", "core": "ATEN"}
LAYOUTS = ("2.9", "2.8", "legacy", "legacy-2.2")
DEFAULT_FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "fixtures"))
HADES = os.path.join("pt2", "hades_mlp_torch22.pt2")

# FORMATS.md §2.2: opcodes seen in the real 2.2 data.pkl, those a reader should also accept,
# and the GLOBALs seen.
OPCODES_SEEN = {"PROTO", "EMPTY_DICT", "MARK", "BINUNICODE", "GLOBAL", "BINPUT", "LONG_BINPUT",
                "BINGET", "LONG_BINGET", "BININT1", "BININT2", "BININT", "TUPLE", "TUPLE1",
                "TUPLE2", "TUPLE3", "EMPTY_TUPLE", "NEWTRUE", "NEWFALSE", "BINPERSID", "REDUCE",
                "SETITEMS", "STOP"}
OPCODES_ACCEPTED = {"NONE", "BINFLOAT", "LONG1", "EMPTY_LIST", "APPEND", "APPENDS", "SETITEM",
                    "BUILD", "SHORT_BINUNICODE", "FRAME", "MEMOIZE", "SHORT_BINSTRING",
                    "BINSTRING"}
GLOBALS_SEEN = {"torch._utils _rebuild_tensor_v2", "torch._utils _rebuild_parameter",
                "collections OrderedDict"}
STORAGE_GLOBAL = re.compile(r"^torch [A-Za-z0-9]+Storage$")


class CheckFailed(Exception):
    pass


def _require(cond, message):
    if not cond:
        raise CheckFailed(message)


class PickleReport:
    """Opcodes and GLOBALs of every torch.save pickle checked."""

    def __init__(self):
        self.opcodes, self.globals = set(), set()

    def add(self, data: bytes, what: str) -> None:
        for op, arg, _ in pickletools.genops(data):
            self.opcodes.add(op.name)
            if op.name == "GLOBAL":
                self.globals.add(arg)
        bad_ops = self.opcodes - OPCODES_SEEN - OPCODES_ACCEPTED
        bad_globals = {g for g in self.globals
                       if g not in GLOBALS_SEEN and not STORAGE_GLOBAL.match(g)}
        _require(not bad_ops, "%s: opcodes outside FORMATS.md §2.2: %s" % (what, sorted(bad_ops)))
        _require(not bad_globals, "%s: GLOBALs outside FORMATS.md §2.2: %s"
                 % (what, sorted(bad_globals)))

    def summary(self) -> str:
        extra = sorted(self.opcodes - OPCODES_SEEN)
        return ("pickle opcodes: %s%s; GLOBALs: %s"
                % (" ".join(sorted(self.opcodes)),
                   " (beyond those seen in the 2.2 file: %s)" % " ".join(extra) if extra else
                   " (all seen in the 2.2 file)", ", ".join(sorted(self.globals))))


PICKLES = PickleReport()


# ----------------------------------------------------------------------------------------
# Containers


def check_stream_zip(path: str, root: str, deflate: bool = False, zip64: bool = False,
                     data: bytes = None) -> zipfile.ZipFile:
    """PyTorchStreamWriter rules: one root folder, 64-byte aligned data behind `FB`."""
    raw = data if data is not None else open(path, "rb").read()
    zf = zipfile.ZipFile(io.BytesIO(raw))
    names = zf.namelist()
    _require(all(n.startswith(root + "/") for n in names),
             "entries outside the root folder %s/: %s" % (root, names[:3]))
    method = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    for info in zf.infolist():
        _require(info.compress_type == method, "%s: compression method %d, want %d"
                 % (info.filename, info.compress_type, method))
        has_zip64 = any(struct.unpack_from("<H", info.extra, i)[0] == 1
                        for i in range(0, len(info.extra) - 3, 4)) if info.extra else False
        _require(has_zip64 == zip64, "%s: ZIP64 extra field %s" % (info.filename, has_zip64))
        sig, = struct.unpack_from("<I", raw, info.header_offset)
        _require(sig == 0x04034B50, "%s: bad local header" % info.filename)
        name_len, extra_len = struct.unpack_from("<HH", raw, info.header_offset + 26)
        extra = raw[info.header_offset + 30 + name_len:info.header_offset + 30 + name_len + extra_len]
        fb = extra.find(b"FB")
        _require(fb == (28 if zip64 else 0), "%s: no FB padding field where expected" % info.filename)
        data_at = info.header_offset + 30 + name_len + extra_len
        _require(data_at % 64 == 0, "%s: data at %d is not 64-byte aligned" % (info.filename, data_at))
    return zf


def check_torch_reader(path: str, zf: zipfile.ZipFile, root: str) -> None:
    """torch's own reader (caffe2 PyTorchStreamReader, miniz) must see the same records."""
    reader = torch._C.PyTorchFileReader(path)
    for n in zf.namelist():
        rec = n[len(root) + 1:]
        _require(bytes(reader.get_record(rec)) == zf.read(n), "PyTorchFileReader disagrees on %s" % rec)


def check_torch_save(data: bytes, style: str, what: str, deflate=False, zip64=False):
    """A nested torch.save container: root archive/, the record order of `style`."""
    zf = check_stream_zip(None, "archive", deflate, zip64, data=data)
    names = [n[len("archive/"):] for n in zf.namelist()]
    keys = [n[len("data/"):] for n in names if n.startswith("data/")]
    want_keys = sorted(keys, key=int if style == "2.8" else str)
    head = ["data.pkl", ".format_version", ".storage_alignment", "byteorder"] if style == "2.8" \
        else ["data.pkl", "byteorder"]
    want = head + ["data/" + k for k in want_keys] + ["version", ".data/serialization_id"]
    _require(names == want, "%s: torch.save records %s, want %s" % (what, names, want))
    _require(zf.read("archive/version") == b"3\n", "%s: version record" % what)
    if style == "2.8":
        _require(zf.read("archive/.format_version") == b"1", "%s: .format_version" % what)
        _require(zf.read("archive/.storage_alignment") == b"64", "%s: .storage_alignment" % what)
    PICKLES.add(zf.read("archive/data.pkl"), what)
    return torch.load(io.BytesIO(data))


def check_same_tensors(got: dict, want: dict, what: str) -> None:
    _require(list(got) == list(want), "%s: keys %s, want %s" % (what, list(got), list(want)))
    for k, t in want.items():
        g = got[k]
        _require(type(g) is type(t) and g.dtype == t.dtype and g.shape == t.shape
                 and torch.equal(g.detach(), t.detach()), "%s: %s differs" % (what, k))
        _require(g.stride() == t.stride() and g.storage_offset() == t.storage_offset(),
                 "%s: %s layout %s+%d, want %s+%d" % (what, k, g.stride(), g.storage_offset(),
                                                      t.stride(), t.storage_offset()))


# ----------------------------------------------------------------------------------------
# JSON


def _walk_dicts(obj, skip=("metadata", "tensor_values", "opset_version", "range_constraints")):
    if isinstance(obj, dict):
        yield obj
        for k, v in obj.items():
            if k not in skip:
                yield from _walk_dicts(v, skip)
    elif isinstance(obj, list):
        for v in obj:
            yield from _walk_dicts(v, skip)


def check_graph_json(ep: dict, table, node_names: bool) -> list:
    """tensor_values for every defined value, operators in the table; returns targets."""
    from pt2_reader import union

    graph = ep["graph_module"]["graph"]
    tv = graph["tensor_values"]
    defined = [union(i)[1]["name"] for i in graph["inputs"]]
    targets = []
    for node in graph["nodes"]:
        _require(("name" in node) == node_names, "node name present: %s" % ("name" in node))
        _require(table.from_target(node["target"]) is not None,
                 "%s not in aten.schemas" % node["target"])
        targets.append(node["target"])
        for out in node["outputs"]:
            kind, payload = union(out)
            if kind == "as_tensor":
                defined.append(payload["name"])
            elif kind == "as_tensors":
                defined.extend(t["name"] for t in payload)
    _require(len(defined) == len(set(defined)), "a value is defined twice")
    _require(set(defined) == set(tv), "tensor_values keys differ from defined values: %s"
             % sorted(set(defined) ^ set(tv)))
    _require(len(ep["graph_module"]["signature"]["input_specs"]) == len(graph["inputs"]),
             "input_specs and graph.inputs differ in length")
    return targets


EP_KEYS = {
    "2.9": ["graph_module", "opset_version", "range_constraints", "schema_version", "verifiers",
            "torch_version", "guards_code"],
    "2.8": ["graph_module", "opset_version", "range_constraints", "schema_version", "verifiers",
            "torch_version"],
    "legacy": ["graph_module", "opset_version", "range_constraints", "schema_version",
               "verifiers", "torch_version"],
    "legacy-2.2": ["graph_module", "opset_version", "range_constraints", "schema_version",
                   "dialect"],
}
GRAPH_KEYS_29 = ["inputs", "outputs", "nodes", "tensor_values", "sym_int_values",
                 "sym_bool_values", "is_single_tensor_return", "custom_obj_values",
                 "sym_float_values"]
GRAPH_KEYS = {"2.9": GRAPH_KEYS_29, "2.8": GRAPH_KEYS_29, "legacy": GRAPH_KEYS_29[:-1],
              "legacy-2.2": GRAPH_KEYS_29[:-2]}
GM_KEYS = {"2.9": ["graph", "signature", "module_call_graph", "metadata", "treespec_namedtuple_fields"],
           "2.8": ["graph", "signature", "module_call_graph", "metadata", "treespec_namedtuple_fields"],
           "legacy": ["graph", "signature", "module_call_graph", "metadata"],
           "legacy-2.2": ["graph", "signature", "module_call_graph"]}


def check_ep_json(ep: dict, flavour: str, ir: str, table) -> list:
    import pt2_json

    fl = pt2_json.FLAVOURS[flavour]
    _require(list(ep) == EP_KEYS[flavour], "ExportedProgram keys: %s" % list(ep))
    _require(list(ep["graph_module"]) == GM_KEYS[flavour], "GraphModule keys %s"
             % list(ep["graph_module"]))
    _require(list(ep["graph_module"]["graph"]) == GRAPH_KEYS[flavour],
             "Graph keys: %s" % list(ep["graph_module"]["graph"]))
    if isinstance(fl.schema_version, tuple):
        _require(ep["schema_version"] == {"major": fl.schema_version[0],
                                          "minor": fl.schema_version[1]}, "schema_version")
    else:
        _require(ep["schema_version"] == fl.schema_version, "schema_version")
    if fl.verifiers:
        _require(ep["verifiers"] == [VERIFIER[ir]], "verifiers %r" % ep["verifiers"])
        _require(ep["torch_version"] == fl.torch_version, "torch_version")
    else:
        _require(ep["dialect"] == "ATEN", "dialect %r" % ep.get("dialect"))
    for node in ep["graph_module"]["graph"]["nodes"]:
        for named in node["inputs"]:
            _require(("kind" in named) == fl.argument_kind, "NamedArgument.kind: %s" % named)
    for d in _walk_dicts(ep):
        if d.get("as_none") is not None:
            _require(d["as_none"] == fl.none_payload, "as_none payload %r" % (d["as_none"],))
    return check_graph_json(ep, table, fl.node_names)


def _union_kinds():
    import pt2_json

    return {frozenset(m): (kind, m) for kind, m in pt2_json.UNION_MEMBERS_2_2.items()}


def check_full_unions(ep: dict) -> None:
    """Every union of a 2.2-style file lists all its members, exactly one non-null."""
    kinds = _union_kinds()
    for d in _walk_dicts(ep, skip=("metadata",)):
        if any(k.startswith("as_") for k in d) or set(d) & {"user_input", "user_output"}:
            entry = kinds.get(frozenset(d))
            _require(entry is not None, "a union without all its 2.2 members: %s" % list(d))
            _require(list(d) == entry[1], "%s members out of order: %s" % (entry[0], list(d)))
            _require(sum(v is not None for v in d.values()) == 1,
                     "%s with %d non-null members" % (entry[0], sum(v is not None for v in d.values())))


def compare_with_real_22(ours: dict, real: dict) -> None:
    """Key order of every object kind both files have, and the top-level shapes."""
    def orders(ep):
        out = {}
        for d in _walk_dicts(ep):
            out.setdefault(frozenset(d), list(d))
        return out

    real_orders = orders(real)
    for d in _walk_dicts(ours):
        want = real_orders.get(frozenset(d))
        _require(want is None or list(d) == want, "key order %s, the 2.2 file has %s" % (list(d), want))

    def first(ep, *path):
        for p in path:
            ep = ep[p]
        return ep

    for path in [(), ("graph_module",), ("graph_module", "graph"),
                 ("graph_module", "graph", "nodes", 0), ("graph_module", "signature"),
                 ("graph_module", "module_call_graph", 0),
                 ("graph_module", "module_call_graph", 0, "signature")]:
        _require(list(first(ours, *path)) == list(first(real, *path)),
                 "keys at %s: %s vs the 2.2 file's %s" % (path, list(first(ours, *path)),
                                                           list(first(real, *path))))
    ours_meta = next(iter(ours["graph_module"]["graph"]["tensor_values"].values()))
    real_meta = next(iter(real["graph_module"]["graph"]["tensor_values"].values()))
    _require(list(ours_meta) == list(real_meta) and list(ours_meta["device"]) == list(real_meta["device"]),
             "TensorMeta keys %s vs %s" % (list(ours_meta), list(real_meta)))


# ----------------------------------------------------------------------------------------
# Layouts


def check_v29(path: str, ir: str, table, root="model", deflate=False, zip64=False) -> list:
    zf = check_stream_zip(path, root, deflate, zip64)
    names = zf.namelist()
    for rec, want in (("archive_format", b"pt2"), ("archive_version", b"0"),
                      (".data/version", b"6\n"), ("byteorder", b"little")):
        _require(zf.read(root + "/" + rec) == want, "%s/%s != %r" % (root, rec, want))
    sid = zf.read(root + "/.data/serialization_id")
    _require(len(sid) == 40 and sid.isdigit(), "bad serialization_id %r" % sid)
    check_torch_reader(path, zf, root)
    sample = zf.read(root + "/data/sample_inputs/model.pt")
    if deflate or zip64:
        args, kwargs = check_torch_save(sample, "2.8", "2.9 sample inputs", deflate, zip64)
    else:
        args, kwargs = torch.load(io.BytesIO(sample))
    _require(isinstance(args, tuple) and kwargs == {}, "sample inputs are not (args, {})")
    ep = json.loads(zf.read(root + "/models/model.json"))
    targets = check_ep_json(ep, "2.9", ir, table)
    weights = json.loads(zf.read(root + "/data/weights/model_weights_config.json"))["config"]
    for spec in ep["graph_module"]["signature"]["input_specs"]:
        (kind, p), = spec.items()
        if kind == "parameter":
            _require(p["parameter_name"] in weights, "no weight for %s" % p["parameter_name"])
    _require(all(n.startswith(root + "/") for n in names), "root")
    return targets


def check_v28(path: str, ir: str, table, prog, root="model", deflate=False, zip64=False) -> list:
    zf = check_stream_zip(path, root, deflate, zip64)
    want = ["models/model.json", "data/weights/model.pt", "data/constants/model.pt",
            "data/sample_inputs/model.pt", "archive_format", "archive_version",
            ".data/version", "byteorder", ".data/serialization_id"]
    _require(zf.namelist() == [root + "/" + n for n in want], "2.8 records: %s" % zf.namelist())
    for rec, value in (("archive_format", b"pt2"), ("archive_version", b"0"),
                       (".data/version", b"6\n"), ("byteorder", b"little")):
        _require(zf.read(root + "/" + rec) == value, "%s/%s != %r" % (root, rec, value))
    check_torch_reader(path, zf, root)
    sd = check_torch_save(zf.read(root + "/data/weights/model.pt"), "2.8", "2.8 weights", deflate, zip64)
    check_same_tensors(sd, prog.state_dict, "2.8 weights")
    consts = check_torch_save(zf.read(root + "/data/constants/model.pt"), "2.8", "2.8 constants",
                              deflate, zip64)
    check_same_tensors(consts, prog.constants, "2.8 constants")
    args, kwargs = check_torch_save(zf.read(root + "/data/sample_inputs/model.pt"), "2.8",
                                    "2.8 sample inputs", deflate, zip64)
    _require(isinstance(args, tuple) and kwargs == {}, "sample inputs are not (args, {})")
    return check_ep_json(json.loads(zf.read(root + "/models/model.json")), "2.8", ir, table)


def check_flat(path: str, layout: str, ir: str, table, prog, real22=None, deflate=False,
               zip64=False) -> list:
    import pt2_json

    zf = zipfile.ZipFile(path)
    ext = ".json" if layout == "legacy-2.2" else ".pt"
    want = ["serialized_exported_program.json", "serialized_state_dict" + ext,
            "serialized_constants" + ext]
    if layout == "legacy":
        want.append("serialized_example_inputs.pt")
    want.append("version")
    _require(zf.namelist() == want, "%s members: %s" % (layout, zf.namelist()))
    for info in zf.infolist():
        _require(info.compress_type == (zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED),
                 "%s: compression method %d" % (info.filename, info.compress_type))
        _require((info.extract_version == 45) == zip64, "%s: ZIP64 %s" % (info.filename, zip64))
    fl = pt2_json.FLAVOURS[layout]
    _require(zf.read("version") == fl.schema_version_text.encode(), "version %r" % zf.read("version"))
    sd = check_torch_save(zf.read("serialized_state_dict" + ext), "2.2", layout + " state dict",
                          deflate, zip64)
    check_same_tensors(sd, prog.state_dict, layout + " state dict")
    consts = check_torch_save(zf.read("serialized_constants" + ext), "2.2", layout + " constants",
                              deflate, zip64)
    check_same_tensors(consts, prog.constants, layout + " constants")
    if layout == "legacy":
        args, kwargs = check_torch_save(zf.read("serialized_example_inputs.pt"), "2.2",
                                        "legacy example inputs", deflate, zip64)
        _require(isinstance(args, tuple) and kwargs == {}, "example inputs are not (args, {})")
    ep = json.loads(zf.read("serialized_exported_program.json"))
    if layout == "legacy-2.2":
        check_full_unions(ep)
        lifted = [s for s in prog.input_specs if s.kind != "user_input"]
        names = [n["as_tensor"]["name"] for n in ep["graph_module"]["graph"]["inputs"]]
        want_names = ["arg%d_1" % i for i in range(len(lifted))] + \
            ["l_%s_" % s.target for s in prog.input_specs if s.kind == "user_input"]
        _require(names == want_names, "placeholder names %s" % names)
        for meta in ep["graph_module"]["graph"]["tensor_values"].values():
            _require(type(meta["storage_offset"]) is int and meta["device"]["index"] is None
                     and meta["requires_grad"] is False, "2.2 TensorMeta %s" % meta)
        if real22 is not None:
            compare_with_real_22(ep, real22)
    return check_ep_json(ep, layout, ir, table)


def evaluate(path: str, inputs, expected, table) -> float:
    import reference

    with torch.no_grad():
        got = reference.run(path, [t.clone() for t in inputs], table)
    _require(len(got) == len(expected), "%d outputs, expected %d" % (len(got), len(expected)))
    worst = 0.0
    for k, (g, e) in enumerate(zip(got, expected)):
        ok, err, problem = export_compare(g, e)
        worst = max(worst, err)
        _require(ok, "output %d: %s" % (k, problem))
    return worst


def check_layout(layout, path, ir, table, prog, real22, root=None, deflate=False, zip64=False):
    root = root or os.path.splitext(os.path.basename(path))[0]  # the writer's default
    if layout == "2.9":
        return check_v29(path, ir, table, root, deflate, zip64)
    if layout == "2.8":
        return check_v28(path, ir, table, prog, root, deflate, zip64)
    return check_flat(path, layout, ir, table, prog, real22, deflate, zip64)


# ----------------------------------------------------------------------------------------
# Cases


def run_cli_case(model: str, ir: str, out_dir: str):
    """export.py and reference.py as commands (default 2.9 layout); returns max abs error."""
    py = sys.executable
    subprocess.run([py, os.path.join(HERE, "export.py"), "--model", model, "--ir", ir,
                    "--out", out_dir], check=True)
    inputs = _numbered(out_dir, "input_")
    cmd = [py, os.path.join(HERE, "reference.py"), os.path.join(out_dir, "model.pt2"),
           "--out", os.path.join(out_dir, "ref")]
    for f in inputs:
        cmd += ["--input", os.path.join(out_dir, f)]
    subprocess.run(cmd, check=True)
    expected = _numbered(out_dir, "expected_")
    _require(expected, "no expected outputs")
    got_files = _numbered(os.path.join(out_dir, "ref"), "output_")
    _require(len(got_files) == len(expected), "reference.py wrote %d outputs for %d expected"
             % (len(got_files), len(expected)))
    dtypes = check_npy_files(out_dir, inputs, expected)
    ref_dtypes = npy_dtypes.read_dtypes_json(os.path.join(out_dir, "ref"))
    _require(ref_dtypes == dtypes, "reference.py's dtypes.json %s, export.py's %s"
             % (ref_dtypes, dtypes))
    worst = 0.0
    for k, (f, dtype) in enumerate(zip(expected, dtypes["outputs"])):
        want = npy_dtypes.from_numpy(np.load(os.path.join(out_dir, f)), dtype)
        got = npy_dtypes.from_numpy(np.load(os.path.join(out_dir, "ref", got_files[k])), dtype)
        ok, err, problem = export_compare(got, want)
        worst = max(worst, err)
        _require(ok, "output %d: %s" % (k, problem))
    return worst


def _numbered(directory: str, prefix: str):
    """PREFIX<K>.npy files of a directory in K order (input_10 after input_9)."""
    names = [f for f in os.listdir(directory) if f.startswith(prefix) and f.endswith(".npy")]
    names.sort(key=lambda f: int(f[len(prefix):-len(".npy")]))
    return names


def check_npy_files(out_dir: str, inputs, expected) -> dict:
    """export.py's .npy files and dtypes.json: one dtype per file, each file in that dtype
    (bfloat16 as float32 holding exact values), C order; returns the dtypes."""
    dtypes = npy_dtypes.read_dtypes_json(out_dir)
    _require(sorted(dtypes) == ["inputs", "outputs"], "dtypes.json keys %s" % sorted(dtypes))
    for key, files in (("inputs", inputs), ("outputs", expected)):
        _require(len(dtypes[key]) == len(files), "dtypes.json lists %d %s for %d files"
                 % (len(dtypes[key]), key, len(files)))
        for f, dtype in zip(files, dtypes[key]):
            arr = np.load(os.path.join(out_dir, f))
            stand_in = npy_dtypes.NUMPY_STAND_IN.get(dtype, dtype)
            _require(torch.from_numpy(arr).dtype == stand_in and not arr.dtype.hasobject,
                     "%s: numpy %s for %s" % (f, arr.dtype, dtype))
            with open(os.path.join(out_dir, f), "rb") as fh:
                _require(b"'fortran_order': False" in fh.read(128), "%s: not C order" % f)
            npy_dtypes.from_numpy(arr, dtype)  # exact stand-in values
    return dtypes


def export_compare(got, want):
    import export

    return export.compare(got, want, RTOL, ATOL)


def variants(layout: str, can_share: bool = True):
    """(label, WriteOptions kwargs, shared storage) of the variant cases of one layout;
    share-storage only for models with a parameter of two or more dimensions."""
    out = [("deflate", dict(deflate=True), False), ("zip64", dict(zip64=True), False),
           ("deflate+zip64", dict(deflate=True, zip64=True), False)]
    if can_share:
        out.append(("share-storage", {}, True))
    if layout in ("2.9", "2.8"):
        out.append(("root", dict(root="my_model.v2"), False))
    return out


def check_shared(path: str, layout: str, prog) -> None:
    """The shared-storage variant: two FQNs, one storage, one at an offset, non-contiguous."""
    import pt2_reader

    want = [f for f, t in prog.state_dict.items()
            if any(u is not t and u.storage().data_ptr() == t.storage().data_ptr()
                   for u in prog.state_dict.values())]
    _require(len(want) == 2, "the program has %d parameters in a shared storage" % len(want))
    if layout == "2.9":
        zf = zipfile.ZipFile(path)
        root = zf.namelist()[0].split("/")[0]
        cfg = json.loads(zf.read(root + "/data/weights/model_weights_config.json"))["config"]
        _require(cfg[want[0]]["path_name"] == cfg[want[1]]["path_name"],
                 "2.9: the two FQNs are in different weight files")
        _require(len({m["path_name"] for m in cfg.values()}) == len(cfg) - 1,
                 "2.9: weight files are not deduplicated")
        metas = [cfg[f]["tensor_meta"] for f in want]
        _require(any(m["storage_offset"]["as_int"] > 0 for m in metas), "2.9: no storage offset")
        for f, m in zip(want, metas):
            t = prog.state_dict[f]
            _require([s["as_int"] for s in m["strides"]] == list(t.stride()) and
                     m["storage_offset"]["as_int"] == t.storage_offset(), "2.9: %s meta" % f)
        return
    sd = pt2_reader.open_archive(path).state_dict()
    a, b = sd[want[0]], sd[want[1]]
    _require(a.storage().data_ptr() == b.storage().data_ptr(), "%s: storages not shared" % layout)
    _require(sorted([a.storage_offset(), b.storage_offset()])[0] == 0 and
             max(a.storage_offset(), b.storage_offset()) > 0, "%s: offsets" % layout)
    _require(not (a.is_contiguous() and b.is_contiguous()), "%s: no non-contiguous view" % layout)


def run_model(model: str, ir: str, base: str, table, layouts, real22, with_variants, verbose):
    import export
    import pt2_writer

    results = []
    out = os.path.join(base, "%s-%s" % (model, ir))
    err = run_cli_case(model, ir, out)
    prog, module, inputs = export.build_program(model, ir)
    expected = export.module_outputs(module, inputs)
    dtypes = npy_dtypes.read_dtypes_json(out)
    _require(dtypes == {"inputs": [t.dtype for t in inputs],
                        "outputs": [t.dtype for t in expected]},
             "dtypes.json %s differs from the module's inputs and outputs" % dtypes)
    cli_file = os.path.join(out, "model.pt2")
    can_share = any(p.dim() >= 2 for p in module.parameters())
    for layout in layouts:
        os.makedirs(os.path.join(out, layout), exist_ok=True)
        path = os.path.join(out, layout, "model.pt2")
        pt2_writer.write_pt2(path, prog, layout)
        if layout == "2.9":
            _require(open(path, "rb").read() == open(cli_file, "rb").read(),
                     "2.9 written in-process differs from export.py's file")
        targets = check_layout(layout, path, ir, table, prog, real22)
        err = max(err, evaluate(path, inputs, expected, table)) if layout != "2.9" else err
        results.append((layout, "", err, targets))
        if verbose and model == "mlp" and ir == "core":
            print("--- %s: python3 -m zipfile -l" % layout)
            subprocess.run([sys.executable, "-m", "zipfile", "-l", path], check=True)
        if not with_variants:
            continue
        shared_prog = None
        for label, kw, shared in variants(layout, can_share):
            vpath = os.path.join(out, layout, "%s.pt2" % label)
            opts = pt2_writer.WriteOptions(**kw)
            if shared:
                if shared_prog is None:
                    shared_prog, smodule, sinputs = export.build_program(model, ir,
                                                                         shared_storage=True)
                    sexpected = export.module_outputs(smodule, sinputs)
                pt2_writer.write_pt2(vpath, shared_prog, layout, opts)
                check_layout(layout, vpath, ir, table, shared_prog, real22)
                check_shared(vpath, layout, shared_prog)
                verr = evaluate(vpath, sinputs, sexpected, table)
            else:
                pt2_writer.write_pt2(vpath, prog, layout, opts)
                check_layout(layout, vpath, ir, table, prog, real22, root=opts.root,
                             deflate=opts.deflate, zip64=opts.zip64)
                verr = evaluate(vpath, inputs, expected, table)
            results.append((layout, label, verr, None))
    return results


def check_cli_options(base: str, table) -> str:
    """export.py's layout options as commands, and --root refused for flat layouts."""
    py = sys.executable
    out = os.path.join(base, "cli")
    subprocess.run([py, os.path.join(HERE, "export.py"), "--model", "mlp", "--ir", "training",
                    "--out", out, "--layout", "legacy-2.2", "--deflate", "--zip64",
                    "--share-storage"], check=True)
    import export

    prog, module, inputs = export.build_program("mlp", "training", shared_storage=True)
    check_flat(os.path.join(out, "model.pt2"), "legacy-2.2", "training", table, prog,
               deflate=True, zip64=True)
    check_shared(os.path.join(out, "model.pt2"), "legacy-2.2", prog)
    subprocess.run([py, os.path.join(HERE, "export.py"), "--model", "mlp", "--ir", "core",
                    "--out", out, "--layout", "2.8", "--root", "custom"], check=True)
    zf = zipfile.ZipFile(os.path.join(out, "model.pt2"))
    _require(zf.namelist()[0].startswith("custom/"), "--root ignored")
    r = subprocess.run([py, os.path.join(HERE, "export.py"), "--model", "mlp", "--ir", "core",
                        "--out", out, "--layout", "legacy", "--root", "x"],
                       stderr=subprocess.PIPE)
    _require(r.returncode == 2 and b"flat zip" in r.stderr, "--root with a flat layout accepted")
    return "export.py --layout legacy-2.2 --deflate --zip64 --share-storage, --layout 2.8 --root"


# ----------------------------------------------------------------------------------------
# The real torch 2.2 file


def hand_built_hades(sd, x):
    """hades-pid's DANN rebuilt with torch.nn.functional: feature MLP, class classifier with
    two train-mode BatchNorm1d, domain classifier ending in LogSoftmax(dim=0) + squeeze."""
    import torch.nn.functional as F

    def lin(h, p):
        return F.linear(h, sd[p + ".weight"], sd[p + ".bias"])

    stats = {}

    def bn(h, p):
        rm, rv = sd[p + ".running_mean"].clone(), sd[p + ".running_var"].clone()
        y = F.batch_norm(h, rm, rv, sd[p + ".weight"], sd[p + ".bias"], training=True,
                         momentum=0.1, eps=1e-5)  # updates rm/rv, unbiased variance
        stats[p + ".running_mean"], stats[p + ".running_var"] = rm, rv
        stats[p + ".num_batches_tracked"] = sd[p + ".num_batches_tracked"] + 1
        return y

    h = x
    for i in (0, 2, 4):
        h = F.leaky_relu(lin(h, "feature.%d" % i))
    feature = lin(h, "feature.6")
    c = F.leaky_relu(bn(lin(feature, "class_classifier.0"), "class_classifier.1"))
    c = F.leaky_relu(bn(lin(c, "class_classifier.3"), "class_classifier.4"))
    c = lin(c, "class_classifier.6")
    d = feature.view(-1, 128)  # ReverseLayerF: identity forward
    d = F.leaky_relu(lin(d, "domain_classifier.0"))
    d = F.leaky_relu(lin(d, "domain_classifier.2"))
    d = F.log_softmax(lin(d, "domain_classifier.4"), dim=0).squeeze()
    return [c, d], stats


def check_hades(path: str, base: str, table) -> str:
    import pt2_reader
    import pt2_writer
    import reference

    out = os.path.join(base, "hades")
    r = subprocess.run([sys.executable, os.path.join(HERE, "reference.py"), path, "--make-input",
                        os.path.join(out, "in"), "--out", os.path.join(out, "ref")],
                       stdout=subprocess.PIPE, check=True)
    listing = r.stdout.decode().strip().replace("\n", "; ")
    x = torch.from_numpy(np.load(os.path.join(out, "in", "input_0.npy")))
    got = [torch.from_numpy(np.load(os.path.join(out, "ref", "output_%d.npy" % k))) for k in (0, 1)]
    mutations = {}
    with torch.no_grad():
        again = reference.run(path, [x], table, mutations=mutations)
        sd = pt2_reader.open_archive(path).state_dict()
        want, stats = hand_built_hades(sd, x)
    worst = 0.0
    for g, a, w in zip(got, again, want):
        _require(bool(torch.isfinite(g).all()), "hades: non-finite output")
        _require(torch.equal(g, a), "hades: the command and run() disagree")
        _require(g.shape == w.shape, "hades: output shape %s vs %s" % (list(g.shape), list(w.shape)))
        worst = max(worst, float((g - w).abs().max()))
    _require(worst <= 1e-5, "hades: max abs error %g against the hand-built network" % worst)
    _require(set(mutations) == set(stats), "hades: mutated buffers %s" % sorted(mutations))
    stat_err = max(float((mutations[k].double() - stats[k].double()).abs().max()) for k in stats)
    _require(stat_err <= 1e-6, "hades: running statistics differ by %g" % stat_err)

    # Our 2.2-style torch.save containers against the file's: equal but for the name hash.
    zf = zipfile.ZipFile(path)
    for member, obj in (("serialized_constants.json", {}), ("serialized_state_dict.json", sd)):
        real = zf.read(member)
        ours = pt2_writer.torch_save_archive(obj, "2.2")
        real_sid = zipfile.ZipFile(io.BytesIO(real)).read("archive/.data/serialization_id")
        ours_sid = zipfile.ZipFile(io.BytesIO(ours)).read("archive/.data/serialization_id")
        def crc(b):
            return struct.pack("<I", zlib.crc32(b) & 0xFFFFFFFF)

        patched = ours.replace(ours_sid, real_sid).replace(crc(ours_sid), crc(real_sid))
        _require(len(ours) == len(real) and real_sid[20:] == ours_sid[20:] and patched == real,
                 "hades: our torch.save of %s differs from the file's beyond serialization_id" % member)
        PICKLES.add(zipfile.ZipFile(io.BytesIO(real)).read("archive/data.pkl"), "hades " + member)
    return ("%s; outputs %s; max abs error vs hand-built %.3g, running stats %.3g"
            % (listing.split(";")[0], [list(g.shape) for g in got], worst, stat_err))


def main(argv=None) -> int:
    import zoo

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_models = [m for m in zoo.model_names()
                      if m not in zoo.HEAVY and m not in zoo.QUANT_OP_MODELS]
    p.add_argument("--models", default=",".join(default_models),
                   help="comma-separated model names, torchvision:<name> allowed, or 'all' "
                   "for every named model (default: all but the torchvision ones, %s, and "
                   "the quantization pattern models q_*)" % ", ".join(sorted(zoo.HEAVY)))
    p.add_argument("--irs", default="training,core")
    p.add_argument("--layouts", default=",".join(LAYOUTS))
    p.add_argument("--no-variants", action="store_true", help="skip --deflate/--zip64/--root/"
                   "--share-storage cases")
    p.add_argument("--fixtures", default=DEFAULT_FIXTURES, help="shared fixtures directory")
    p.add_argument("--keep", help="write the cases here instead of a temporary directory")
    p.add_argument("--verbose", action="store_true", help="print zip listings of mlp-core")
    args = p.parse_args(argv)

    if args.models == "all":
        args.models = ",".join(zoo.model_names())
    unknown = [m for m in args.models.split(",") if not zoo.is_model(m)]
    if unknown:
        p.error("unknown model(s): %s" % ", ".join(unknown))
    table = schemas.load()
    layouts = args.layouts.split(",")
    hades = os.path.join(args.fixtures, HADES)
    real22 = None
    if os.path.exists(hades):
        real22 = json.loads(zipfile.ZipFile(hades).read("serialized_exported_program.json"))
    failures = 0
    start = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or tmp
        for model in args.models.split(","):
            for ir in args.irs.split(","):
                try:
                    results = run_model(model, ir, base, table, layouts, real22,
                                        not args.no_variants, args.verbose)
                except (CheckFailed, subprocess.CalledProcessError, AssertionError) as e:
                    print("FAIL %-14s %-8s %s" % (model, ir, e))
                    failures += 1
                    continue
                for layout, label, err, targets in results:
                    if label:
                        continue
                    counts = {}
                    for t in targets:
                        short = t[len("torch.ops."):]
                        counts[short] = counts.get(short, 0) + 1
                    ops = [op if n == 1 else "%s x%d" % (op, n) for op, n in counts.items()]
                    line = "ok   %-14s %-8s %-10s max abs error %.3g" % (model, ir, layout, err)
                    if layout == layouts[0]:
                        line += "  ops: " + ", ".join(ops)
                    print(line)
                var = [r for r in results if r[1]]
                if var:
                    print("ok   %-14s %-8s %d variants (%s) max abs error %.3g"
                          % (model, ir, len(var), ", ".join(sorted({r[1] for r in var})),
                             max(r[2] for r in var)))
        try:
            print("ok   cli: %s" % check_cli_options(base, table))
        except (CheckFailed, subprocess.CalledProcessError) as e:
            print("FAIL cli: %s" % e)
            failures += 1
        if real22 is not None:
            try:
                print("ok   %s: %s" % (HADES, check_hades(hades, base, table)))
            except (CheckFailed, subprocess.CalledProcessError) as e:
                print("FAIL %s: %s" % (HADES, e))
                failures += 1
        else:
            print("skip %s (not found under %s)" % (HADES, args.fixtures))
    print(PICKLES.summary())
    print("%.0f s" % (time.time() - start))
    print("%d failure(s)" % failures if failures else "all cases passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
