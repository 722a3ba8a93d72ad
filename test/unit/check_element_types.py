#!/usr/bin/env python3
"""Checks dialects/kiln/ElementTypes.def against the Python copies of its facts
and against torch and numpy themselves.

    check_element_types.py REPO_ROOT

- test/models/torch_enums.py's SCALAR_TYPE (what the fixture writer puts in .pt2
  files) gives every torch dtype the table's EXPORT code;
- test/qemu/make_case.py's DTYPE_CODES (what the QEMU runner compares) are
  kiln/runtime.h's KILN_DTYPE_* codes of the table's rows;
- torch's own dtypes have the table's names and sizes, and torch.save's storage
  classes hold the row's dtype;
- numpy's type codes have the row's name and size.
Dtypes this torch lacks (float8, uint16, ...) are skipped. Exits 1 listing every
disagreement. (The C++ copies are checked by ElementTypesTest.cpp.)
"""
import os
import re
import sys
import warnings

import numpy as np
import torch


def read_table(root):
    text = open(os.path.join(root, "dialects/kiln/ElementTypes.def")).read()
    rows = []
    for m in re.finditer(r"^KILN_ELEMENT_TYPE\((.*)\)\s*$", text, re.M):
        fields = [f.strip() for f in m.group(1).split(",")]
        name, export, pte, torch_name, storage, abi, npy, size, kind, bits = fields
        rows.append({"name": name, "export": int(export), "torch": torch_name.strip('"'),
                     "storage": storage.strip('"'), "abi": abi, "npy": npy.strip('"'),
                     "size": int(size)})
    return rows


def read_abi(root):
    text = open(os.path.join(root, "runtime_stub/include/kiln/runtime.h")).read()
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"#define (KILN_DTYPE_\w+) (\d+)u", text)}


def main():
    root = sys.argv[1]
    sys.path.insert(0, os.path.join(root, "test/models"))
    sys.path.insert(0, os.path.join(root, "test/qemu"))
    from torch_enums import SCALAR_TYPE
    from make_case import DTYPE_CODES

    warnings.simplefilter("ignore")  # complex32's "experimental" warning
    rows, abi = read_table(root), read_abi(root)
    problems = []
    if not rows:
        problems.append("no KILN_ELEMENT_TYPE rows read from ElementTypes.def")
    by_torch_name = {r["torch"]: r for r in rows}
    for r in rows:
        dtype = getattr(torch, r["torch"], None)
        if not isinstance(dtype, torch.dtype):
            continue  # not in this torch
        if SCALAR_TYPE.get(dtype) != r["export"]:
            problems.append("%s: ElementTypes.def says export code %d, torch_enums.py %s"
                            % (r["torch"], r["export"], SCALAR_TYPE.get(dtype)))
        size = torch.empty((), dtype=dtype).element_size()
        if size != r["size"]:
            problems.append("%s: ElementTypes.def says %d bytes, torch %d"
                            % (r["torch"], r["size"], size))
        if r["storage"]:
            storage = getattr(torch, r["storage"][len("torch."):], None)
            if storage is None or storage.dtype != dtype:
                problems.append("%s: torch's %s holds %s"
                                % (r["torch"], r["storage"],
                                   storage.dtype if storage is not None else "nothing"))
        if r["npy"]:
            npy = np.dtype(r["npy"])
            if npy.itemsize != r["size"] or npy.name != r["torch"]:
                problems.append("%s: numpy's '%s' is %s of %d bytes"
                                % (r["torch"], r["npy"], npy.name, npy.itemsize))
    for dtype, code in SCALAR_TYPE.items():
        name = str(dtype).replace("torch.", "")
        if name not in by_torch_name:
            problems.append("torch_enums.py numbers %s (%d), ElementTypes.def has no row"
                            % (name, code))
    for name, code in DTYPE_CODES.items():
        r = by_torch_name.get(name)
        if r is None or abi.get(r["abi"]) != code:
            problems.append("make_case.py gives %s the KILN_DTYPE code %d, the table's row "
                            "names %s = %s" % (name, code, r["abi"] if r else "no row",
                                               abi.get(r["abi"]) if r else None))
    for p in problems:
        print("check_element_types.py: " + p)
    print("check_element_types.py: %d rows, %d problems" % (len(rows), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
