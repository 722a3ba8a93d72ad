#!/usr/bin/env python3
"""Writes the hostile corpus: malformed .pt2 files derived from good ones.

    make_corpus.py --good-29 M29.pt2 --good-legacy LEGACY.pt2 --out DIR

Each case is DIR/<case>.pt2; DIR/manifest.json lists {case, file, expect}, where
`expect` is a regular expression the one-line diagnostic of `kilnc` must match.
The good inputs are files written by test/models/export.py (an MLP, core IR:
nodes permute/addmm/relu, input x [2, 64], weights fc1..fc3) in the torch >= 2.9
layout and in the legacy layout (torch.save pickles inside).
"""
import argparse
import io
import json
import os
import zipfile


def read_zip(data):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, z.read(i.filename), i.compress_type) for i in z.infolist()]


def write_zip(members, allow_duplicates=False):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data, method in members:
            if allow_duplicates:
                import warnings
                warnings.simplefilter("ignore")
            z.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return buf.getvalue()


def replace_member(data, suffix, fn, allow_duplicates=False):
    members = read_zip(data)
    out = []
    hit = False
    for name, content, method in members:
        if name.endswith(suffix):
            hit = True
            content = fn(content)
            if content is None:
                continue
        out.append((name, content, method))
    assert hit, suffix
    return write_zip(out, allow_duplicates)


def edit_json(data, suffix, fn):
    def apply(content):
        obj = json.loads(content)
        obj = fn(obj) or obj
        return json.dumps(obj).encode()
    return replace_member(data, suffix, apply)


def graph(program):
    return program["graph_module"]["graph"]


def node(program, name):
    return next(n for n in graph(program)["nodes"] if n.get("name") == name)


def set_input(program, node_name, arg, value):
    for a in node(program, node_name)["inputs"]:
        if a["name"] == arg:
            a["arg"] = value
            return
    raise KeyError(arg)


def corrupt_member_data(data, suffix):
    """Flips a byte inside the stored data of a member (CRC mismatch)."""
    blob = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = next(i for i in z.infolist() if i.filename.endswith(suffix))
    start = info.header_offset
    name_len = int.from_bytes(blob[start + 26:start + 28], "little")
    extra_len = int.from_bytes(blob[start + 28:start + 30], "little")
    blob[start + 30 + name_len + extra_len + 3] ^= 0x5A
    return bytes(blob)


def nested_pickle(data, fn):
    """Applies fn to data.pkl of the torch.save archive holding the state dict."""
    def on_state_dict(content):
        return replace_member(content, "data.pkl", fn)
    suffix = "serialized_state_dict.pt"
    if not any(n.endswith(suffix) for n, _, _ in read_zip(data)):
        suffix = "serialized_state_dict.json"
    return replace_member(data, suffix, on_state_dict)


def nested_storage(data, fn):
    def on_state_dict(content):
        return replace_member(content, "data/0", fn)
    suffix = "serialized_state_dict.pt"
    if not any(n.endswith(suffix) for n, _, _ in read_zip(data)):
        suffix = "serialized_state_dict.json"
    return replace_member(data, suffix, on_state_dict)


def cases(good, legacy):
    M = "models/model.json"
    W = "data/weights/model_weights_config.json"
    huge = {"as_int": 1 << 40}
    return [
        ("truncated-zip", good[: len(good) * 6 // 10], r"not a valid zip archive"),
        ("wrong-magic", b"GIF89a" + good[6:], r"not a valid zip archive"),
        ("not-a-zip", b"hello, world\n" * 10, r"not a valid zip archive"),
        ("empty-file", b"", r"not a valid zip archive|zip archive is empty"),
        ("empty-zip", write_zip([]), r"zip archive is empty"),
        ("crc-mismatch", corrupt_member_data(good, "data/weights/weight_0"), r"CRC error"),
        ("json-not-object", replace_member(good, M, lambda c: b"[1, 2, 3]"),
         r"models/model\.json: \(root\): expected an object"),
        ("json-syntax", replace_member(good, M, lambda c: c[: len(c) // 2]),
         r"models/model\.json: not valid JSON"),
        ("json-wrong-type", edit_json(good, M, lambda p: graph(p)["tensor_values"]["x"].update(
            sizes="abc")), r"tensor_values\.x\.sizes: expected an array"),
        ("json-wrong-arg-type", edit_json(good, M, lambda p: set_input(
            p, "relu", "self", {"as_int": "five"})), r"expected an integer"),
        ("json-two-members", edit_json(good, M, lambda p: set_input(
            p, "relu", "self", {"as_tensor": {"name": "addmm"}, "as_int": 1})),
         r"union has several members"),
        ("unknown-dtype", edit_json(good, M, lambda p: graph(p)["tensor_values"]["x"].update(
            dtype=77)), r"tensor_values\.x\.dtype: unknown dtype code 77"),
        ("short-weight", replace_member(good, "data/weights/weight_0", lambda c: c[:8]),
         r"storage holds 2 elements"),
        ("missing-weight", replace_member(good, "data/weights/weight_0", lambda c: None),
         r"no entry .*weight_0"),
        ("size-overflow", edit_json(good, M, lambda p: graph(p)["tensor_values"]["x"].update(
            sizes=[huge, huge, huge])), r"product overflows"),
        ("weight-size-overflow", edit_json(good, W, lambda c: c["config"]["fc1.weight"][
            "tensor_meta"].update(sizes=[huge, huge])), r"overflow"),
        ("weight-strides-out-of-bounds", edit_json(good, W, lambda c: c["config"]["fc1.weight"][
            "tensor_meta"].update(strides=[{"as_int": 100000}, {"as_int": 1}])),
         r"reads element .* but its storage holds"),
        ("negative-size", edit_json(good, M, lambda p: graph(p)["tensor_values"]["x"].update(
            sizes=[{"as_int": -3}, {"as_int": 64}])), r"negative size"),
        ("undefined-value", edit_json(good, M, lambda p: set_input(
            p, "relu", "self", {"as_tensor": {"name": "ghost"}})),
         r"node 'relu' \(aten\.relu\.default\): error: uses value 'ghost'"),
        ("cycle", edit_json(good, M, lambda p: set_input(
            p, "relu", "self", {"as_tensor": {"name": "relu_1"}})),
         r"uses value 'relu_1', which no earlier node or input defines"),
        ("unknown-operator", edit_json(good, M, lambda p: node(p, "relu").update(
            target="torch.ops.aten.frobnicate.default")), r"unknown operator"),
        ("not-an-aten-target", edit_json(good, M, lambda p: node(p, "relu").update(
            target="_operator.frob")), r"unsupported operator '_operator\.frob'"),
        ("missing-model-json", replace_member(good, M, lambda c: None),
         r"not a torch\.export archive"),
        ("bad-weights-config", replace_member(good, W, lambda c: b"[]"),
         r"model_weights_config\.json: expected"),
        ("missing-signature", edit_json(good, M, lambda p: [p["graph_module"].pop("signature"),
                                                            None][1]),
         r"missing field 'signature'"),
        ("schema-too-new", edit_json(good, M, lambda p: p.update(
            schema_version={"major": 10, "minor": 0})), r"schema version 10\.0 is newer"),
        ("duplicate-entry", write_zip(read_zip(good) + [read_zip(good)[0]], True),
         r"File already exists|appears twice"),
        ("forbidden-global", nested_pickle(legacy, lambda c: c.replace(
            b"collections\nOrderedDict\n", b"os\nsystem\n")), r"forbidden GLOBAL 'os\.system'"),
        ("pickle-truncated", nested_pickle(legacy, lambda c: c[: len(c) // 2]),
         r"pickle offset \d+: (truncated|the pickle ends|string of)"),
        ("pickle-bad-opcode", nested_pickle(legacy, lambda c: c[:2] + b"\xfe" + c[2:]),
         r"unsupported pickle opcode 0xfe"),
        ("pickle-storage-short", nested_storage(legacy, lambda c: c[:4]),
         r"holds 4 bytes, its storage declares"),
    ]


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--good-29", required=True)
    p.add_argument("--good-legacy", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    good = open(a.good_29, "rb").read()
    legacy = open(a.good_legacy, "rb").read()
    os.makedirs(a.out, exist_ok=True)
    manifest = []
    for case, data, expect in cases(good, legacy):
        path = os.path.join(a.out, case + ".pt2")
        with open(path, "wb") as f:
            f.write(data)
        manifest.append({"case": case, "file": path, "expect": expect})
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print("hostile corpus: %d cases in %s" % (len(manifest), a.out))


if __name__ == "__main__":
    main()
