#!/usr/bin/env python3
"""Derive a damaged or altered .pt2 from a good one, for tests of Kiln's errors.

    pt2_mutate.py IN.pt2 OUT.pt2 [mutation ...]

Mutations (applied in order):
  --set-target NODE=TARGET      give node NODE the operator TARGET
  --set-input NODE:ARG=VALUE    make argument ARG of node NODE read tensor VALUE
  --drop-input NODE:ARG         remove argument ARG from node NODE
  --drop-member SUFFIX          remove the archive member whose name ends with SUFFIX
  --replace-member SUFFIX=TEXT  replace that member's content with TEXT
  --json-replace OLD=NEW        textual replacement inside models/model.json
  --set-dtype VALUE=CODE        set the serializer dtype code of a tensor value
  --make-symbolic SYM=N[:MIN:MAX]  make dimension 0 of every tensor value whose
                                dimension 0 is N the symbol SYM (with that range),
                                as torch.export writes a dynamic batch dimension
  --truncate-member SUFFIX=N    keep only N bytes of a member (e.g. a weight file)
  --corrupt-member SUFFIX       flip a byte of a member's stored data (CRC mismatch)
  --truncate-file N             keep only the first N bytes of the whole file

Only the standard library is used; members are written stored, as torch does.
"""
import argparse
import json
import sys
import zipfile


def _find(names, suffix):
    hits = [n for n in names if n.endswith(suffix)]
    if len(hits) != 1:
        sys.exit(f"pt2_mutate: {len(hits)} members end with {suffix!r}")
    return hits[0]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--set-target", action="append", default=[])
    p.add_argument("--set-input", action="append", default=[])
    p.add_argument("--drop-input", action="append", default=[])
    p.add_argument("--drop-member", action="append", default=[])
    p.add_argument("--replace-member", action="append", default=[])
    p.add_argument("--json-replace", action="append", default=[])
    p.add_argument("--set-dtype", action="append", default=[])
    p.add_argument("--make-symbolic", action="append", default=[])
    p.add_argument("--truncate-member", action="append", default=[])
    p.add_argument("--corrupt-member", action="append", default=[])
    p.add_argument("--truncate-file", type=int)
    a = p.parse_args()

    with zipfile.ZipFile(a.input) as z:
        names = z.namelist()
        members = {n: z.read(n) for n in names}

    model = _find(names, "models/model.json")
    text = members[model].decode()
    for r in a.json_replace:
        old, new = r.split("=", 1)
        if old not in text:
            sys.exit(f"pt2_mutate: {old!r} not in model.json")
        text = text.replace(old, new)
    program = json.loads(text)
    graph = program["graph_module"]["graph"]
    nodes = {n.get("name"): n for n in graph["nodes"]}
    for r in a.set_target:
        node, target = r.split("=", 1)
        nodes[node]["target"] = target
    for r in a.set_input:
        lhs, value = r.split("=", 1)
        node, arg = lhs.split(":", 1)
        for named in nodes[node]["inputs"]:
            if named["name"] == arg:
                named["arg"] = {"as_tensor": {"name": value}}
                break
        else:
            sys.exit(f"pt2_mutate: node {node} has no argument {arg}")
    for r in a.drop_input:
        node, arg = r.split(":", 1)
        before = len(nodes[node]["inputs"])
        nodes[node]["inputs"] = [n for n in nodes[node]["inputs"] if n["name"] != arg]
        if len(nodes[node]["inputs"]) == before:
            sys.exit(f"pt2_mutate: node {node} has no argument {arg}")
    for r in a.set_dtype:
        value, code = r.split("=", 1)
        graph["tensor_values"][value]["dtype"] = int(code)
    for r in a.make_symbolic:
        sym, spec = r.split("=", 1)
        parts = spec.split(":")
        n = int(parts[0])
        for meta in graph["tensor_values"].values():
            sizes = meta["sizes"]
            if sizes and sizes[0].get("as_int") == n:
                sizes[0] = {"as_expr": {"expr_str": sym, "hint": {"as_int": n}}}
        if len(parts) == 3:
            program.setdefault("range_constraints", {})[sym] = {
                "min_val": int(parts[1]), "max_val": int(parts[2])}
    members[model] = json.dumps(program).encode()

    for suffix in a.drop_member:
        del members[_find(list(members), suffix)]
    for r in a.replace_member:
        suffix, content = r.split("=", 1)
        members[_find(list(members), suffix)] = content.encode()
    for r in a.truncate_member:
        suffix, n = r.split("=", 1)
        name = _find(list(members), suffix)
        members[name] = members[name][: int(n)]

    with zipfile.ZipFile(a.output, "w", zipfile.ZIP_STORED) as z:
        for name, data in members.items():
            z.writestr(name, data)

    data = bytearray(open(a.output, "rb").read())
    if a.corrupt_member:
        with zipfile.ZipFile(a.output) as z:
            for suffix in a.corrupt_member:
                info = z.getinfo(_find(z.namelist(), suffix))
                # Local header: 30 bytes + name + extra, then the data.
                start = info.header_offset
                name_len = int.from_bytes(data[start + 26:start + 28], "little")
                extra_len = int.from_bytes(data[start + 28:start + 30], "little")
                at = start + 30 + name_len + extra_len
                if info.file_size == 0:
                    sys.exit(f"pt2_mutate: {suffix} is empty")
                data[at] ^= 0xFF
    if a.truncate_file is not None:
        data = data[: a.truncate_file]
    open(a.output, "wb").write(bytes(data))


if __name__ == "__main__":
    main()
