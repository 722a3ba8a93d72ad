#!/usr/bin/env python3
"""Self-check of the fixture generator: export.py -> .pt2 -> reference.py == PyTorch.

    /usr/bin/python3 test/models/check_roundtrip.py [--models mlp,small_cnn] [--irs training,core]
                                                    [--keep DIR] [--verbose]

For every model and IR: runs export.py into a temporary directory, runs reference.py on
the archive, and compares every output_K.npy with expected_K.npy (rtol 1e-4, atol 1e-5).
It also checks the archive against FORMATS.md §1.2-1.4: one root folder `model/`, stored
records whose data starts on a 64-byte boundary behind an `FB` extra field, readable by
torch's own PyTorchFileReader with the same bytes, the fixed records' contents, the JSON's
top-level shape, a tensor_values entry for every value, and every operator in aten.schemas.
Prints the max abs error and the operator list per case; exits 1 on any failure.
"""

import argparse
import io
import json
import os
import struct
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import torch_python  # noqa: E402

torch_python.ensure()

import numpy as np  # noqa: E402

import schemas  # noqa: E402

RTOL, ATOL = 1e-4, 1e-5
VERIFIER = {"training": "TRAINING", "core": "ATEN"}


class CheckFailed(Exception):
    pass


def _require(cond, message):
    if not cond:
        raise CheckFailed(message)


def check_archive(path: str, ir: str, table) -> list:
    """Structural checks; returns the operator targets in node order."""
    zf = zipfile.ZipFile(path)
    names = zf.namelist()
    _require(all(n.startswith("model/") for n in names), "entries outside the root folder model/")
    raw = open(path, "rb").read()
    for info in zf.infolist():
        _require(info.compress_type == zipfile.ZIP_STORED, "%s is compressed" % info.filename)
        sig, = struct.unpack_from("<I", raw, info.header_offset)
        _require(sig == 0x04034B50, "%s: bad local header" % info.filename)
        name_len, extra_len = struct.unpack_from("<HH", raw, info.header_offset + 26)
        extra = raw[info.header_offset + 30 + name_len:info.header_offset + 30 + name_len + extra_len]
        _require(extra[:2] == b"FB", "%s: no FB padding field" % info.filename)
        data_at = info.header_offset + 30 + name_len + extra_len
        _require(data_at % 64 == 0, "%s: data at %d is not 64-byte aligned" % (info.filename, data_at))
    for rec, want in (("archive_format", b"pt2"), ("archive_version", b"0"),
                      (".data/version", b"6\n"), ("byteorder", b"little")):
        _require(zf.read("model/" + rec) == want, "model/%s != %r" % (rec, want))
    sid = zf.read("model/.data/serialization_id")
    _require(len(sid) == 40 and sid.isdigit(), "bad serialization_id %r" % sid)

    # torch's own reader (caffe2 PyTorchStreamReader) must see the same records.
    import torch

    reader = torch._C.PyTorchFileReader(path)
    for n in names:
        rec = n[len("model/"):]
        _require(bytes(reader.get_record(rec)) == zf.read(n), "PyTorchFileReader disagrees on %s" % rec)
    args, kwargs = torch.load(io.BytesIO(zf.read("model/data/sample_inputs/model.pt")))
    _require(isinstance(args, tuple) and kwargs == {}, "sample inputs are not (args, {})")

    ep = json.loads(zf.read("model/models/model.json"))
    _require(list(ep) == ["graph_module", "opset_version", "range_constraints", "schema_version",
                          "verifiers", "torch_version", "guards_code"], "ExportedProgram keys: %s" % list(ep))
    _require(ep["verifiers"] == [VERIFIER[ir]], "verifiers %r" % ep["verifiers"])
    _require(ep["schema_version"] == {"major": 8, "minor": 17}, "schema_version")
    graph = ep["graph_module"]["graph"]
    _require(list(graph) == ["inputs", "outputs", "nodes", "tensor_values", "sym_int_values",
                             "sym_bool_values", "is_single_tensor_return", "custom_obj_values",
                             "sym_float_values"], "Graph keys: %s" % list(graph))
    tv = graph["tensor_values"]
    defined = [i["as_tensor"]["name"] for i in graph["inputs"]]
    targets = []
    for node in graph["nodes"]:
        _require(table.from_target(node["target"]) is not None,
                 "node %s: %s not in aten.schemas" % (node["name"], node["target"]))
        targets.append(node["target"])
        for out in node["outputs"]:
            (kind, payload), = out.items()
            if kind == "as_tensor":
                defined.append(payload["name"])
            elif kind == "as_tensors":
                defined.extend(t["name"] for t in payload)
    _require(len(defined) == len(set(defined)), "a value is defined twice")
    _require(set(defined) == set(tv), "tensor_values keys differ from defined values: %s"
             % sorted(set(defined) ^ set(tv)))
    specs = ep["graph_module"]["signature"]["input_specs"]
    _require(len(specs) == len(graph["inputs"]), "input_specs and graph.inputs differ in length")
    weights = json.loads(zf.read("model/data/weights/model_weights_config.json"))["config"]
    for spec in specs:
        (kind, p), = spec.items()
        if kind == "parameter":
            _require(p["parameter_name"] in weights, "no weight for %s" % p["parameter_name"])
    return targets


def run_case(model: str, ir: str, out_dir: str, table, verbose: bool):
    py = sys.executable
    cmd = [py, os.path.join(HERE, "export.py"), "--model", model, "--ir", ir, "--out", out_dir]
    subprocess.run(cmd, check=True)
    inputs = sorted(f for f in os.listdir(out_dir) if f.startswith("input_"))
    cmd = [py, os.path.join(HERE, "reference.py"), os.path.join(out_dir, "model.pt2"),
           "--out", os.path.join(out_dir, "ref")]
    for f in inputs:
        cmd += ["--input", os.path.join(out_dir, f)]
    subprocess.run(cmd, check=True)
    targets = check_archive(os.path.join(out_dir, "model.pt2"), ir, table)
    expected = sorted(f for f in os.listdir(out_dir) if f.startswith("expected_"))
    _require(expected, "no expected outputs")
    worst = 0.0
    for f in expected:
        k = f[len("expected_"):-len(".npy")]
        want = np.load(os.path.join(out_dir, f))
        got = np.load(os.path.join(out_dir, "ref", "output_%s.npy" % k))
        _require(got.shape == want.shape and got.dtype == want.dtype,
                 "output %s: %s %s vs expected %s %s" % (k, got.shape, got.dtype, want.shape, want.dtype))
        err = float(np.max(np.abs(got - want))) if want.size else 0.0
        worst = max(worst, err)
        _require(np.allclose(got, want, rtol=RTOL, atol=ATOL), "output %s differs (max abs error %g)" % (k, err))
    return worst, targets


def main(argv=None) -> int:
    import zoo

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--models", default=",".join(zoo.MODELS))
    p.add_argument("--irs", default="training,core")
    p.add_argument("--keep", help="write the cases here instead of a temporary directory")
    p.add_argument("--verbose", action="store_true", help="print a node's JSON and a zip listing")
    args = p.parse_args(argv)

    table = schemas.load()
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or tmp
        shown = False
        for model in args.models.split(","):
            for ir in args.irs.split(","):
                out = os.path.join(base, "%s-%s" % (model, ir))
                try:
                    err, targets = run_case(model, ir, out, table, args.verbose)
                except (CheckFailed, subprocess.CalledProcessError) as e:
                    print("FAIL %-14s %-8s %s" % (model, ir, e))
                    failures += 1
                    continue
                ops = []
                for t in targets:
                    short = t[len("torch.ops."):]
                    if short not in ops:
                        ops.append(short)
                print("ok   %-14s %-8s max abs error %.3g  ops: %s" % (model, ir, err, " ".join(ops)))
                if args.verbose and not shown:
                    shown = True
                    path = os.path.join(out, "model.pt2")
                    ep = json.loads(zipfile.ZipFile(path).read("model/models/model.json"))
                    small = min(ep["graph_module"]["graph"]["nodes"], key=lambda n: len(json.dumps(n)))
                    print("smallest node of %s:\n%s" % (path, json.dumps(small, indent=1)))
                    subprocess.run([sys.executable, "-m", "zipfile", "-l", path], check=True)
    print("%d failure(s)" % failures if failures else "all cases passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
