#!/usr/bin/env python3
"""Writes the hostile .pte corpus: malformed ExecuTorch programs derived from real ones.

    make_pte_corpus.py --good ADD.pte --legacy LINEAR_OLD.pte --flatc F --schema DIR --out DIR

The good inputs are real files read where they are (../shared/fixtures/pte: add.pte, an
`aten::add.out` with a constant in a segment behind the extended header; linear_old.pte,
mul + add with legacy inline constant buffers). Each case is decoded with flatc, edited,
and encoded again by test/models/pte_writer.py, or edited as bytes. DIR/manifest.json
lists {case, file, expect} as make_corpus.py does: `expect` is a regular expression the
one-line diagnostic of `kilnc` must match (test/hostile/check_corpus.py).
"""
import argparse
import copy
import json
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models"))

from pte_writer import decode, encode  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--good", required=True)
    p.add_argument("--legacy", required=True)
    p.add_argument("--flatc", default="flatc")
    p.add_argument("--schema", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    good = open(a.good, "rb").read()
    legacy = open(a.legacy, "rb").read()
    program, segments = decode(good, a.flatc, a.schema)
    old, old_segments = decode(legacy, a.flatc, a.schema)
    cases = []

    def write(name, data, expect):
        path = os.path.join(a.out, name + ".pte")
        with open(path, "wb") as f:
            f.write(data)
        cases.append({"case": name, "file": path, "expect": expect})

    def edited(fn, base=program, segs=segments, **kw):
        prog = copy.deepcopy(base)
        fn(prog)
        return encode(prog, segs, a.flatc, a.schema, **kw)

    def plan(prog):
        return prog["execution_plan"][0]

    def kernel(prog, k=0):
        return plan(prog)["chains"][0]["instructions"][k]["instr_args"]

    # The container.
    write("truncated-header", good[:6], r"too short for its header")
    write("truncated-half", good[:len(good) // 2],
          r"extended header gives a program size|flatbuffers verifier rejects it")
    write("truncated-flatbuffer", edited(lambda p: None, header=False)[:200],
          r"flatbuffers verifier rejects it")
    write("wrong-identifier", good[:4] + b"XY12" + good[8:], r"no 'ET12' identifier at offset 4")
    write("old-schema", good[:4] + b"ET11" + good[8:], r"schema 'ET11'; Kiln reads 'ET12'")
    write("program-size-past-end", good[:16] + struct.pack("<Q", 1 << 40) + good[24:],
          r"program size of 1099511627776 bytes")
    write("segment-base-past-end", good[:24] + struct.pack("<Q", 1 << 40) + good[32:],
          r"puts the segments at byte 1099511627776, past the end")
    write("header-length-short", good[:12] + struct.pack("<I", 8) + good[16:],
          r"extended header is 8 bytes long")
    # Segments and constants.
    data = edited(lambda p: None)
    base, = struct.unpack_from("<Q", data, 24)
    write("segment-outside-file", data[:base],  # the segment data cut off
          r"segment 0 \(4 bytes at offset 0 after the segment base\) lies outside the file")
    write("constant-offset-past-segment",
          edited(lambda p: p["constant_segment"].update(offsets=[0, 4096])),
          r"constant 1 \(4 bytes at offset 4096\) lies outside its segment of 4 bytes")
    write("constant-index-out-of-range",
          edited(lambda p: p["constant_segment"].update(offsets=[0])
                 or [v["val"].update(data_buffer_idx=7) for v in plan(p)["values"]
                     if v.get("val_type") == "Tensor" and v["val"].get("data_buffer_idx")]),
          r"constant 7 does not exist")
    write("legacy-buffer-short",
          edited(lambda p: p["constant_buffer"][1].update(storage=[0, 0]), old, old_segments),
          r"a constant has 2 bytes of data; its shape needs")
    # The values table.
    write("value-index-out-of-range", edited(lambda p: kernel(p)["args"].__setitem__(0, 999)),
          r"refers to value 999, outside the method's \d+ values")
    write("operator-index-out-of-range", edited(lambda p: kernel(p).update(op_index=5)),
          r"calls operator 5, outside the method's 1 operators")
    write("input-index-out-of-range", edited(lambda p: plan(p).update(inputs=[12345])),
          r"refers to value 12345")

    def int_list_cycle(p):
        values = plan(p)["values"]
        values.append({"val_type": "IntList", "val": {"items": [len(values)]}})
        for v in values:  # alpha (an Int) becomes the list that contains itself
            if v.get("val_type") == "Int":
                v.clear()
                v.update({"val_type": "IntList", "val": {"items": [len(values) - 1]}})
    write("int-list-cycle", edited(int_list_cycle),
          r"fit no schema Kiln has for it|is an int list, not an int")

    def huge_sizes(p):
        for v in plan(p)["values"]:
            if v.get("val_type") == "Tensor":
                v["val"]["sizes"] = [1 << 30, 1 << 30, 1 << 30]
    write("sizes-overflow", edited(huge_sizes), r"more than 2\^40 elements")

    def negative_size(p):
        v = plan(p)["values"][plan(p)["inputs"][0]]
        v["val"]["sizes"] = [-3]
    write("negative-size", edited(negative_size), r"has a negative size -3")
    write("unknown-method", edited(lambda p: plan(p).update(name="train")),
          r"no method 'forward'; the program has train \(pick one with --method=NAME\)")
    write("no-chains", edited(lambda p: plan(p).update(chains=[])), r"has no instructions")

    def jump(p):
        plan(p)["chains"][0]["instructions"].append(
            {"instr_args_type": "JumpFalseCall",
             "instr_args": {"cond_value_index": 0, "destination_instruction": 0}})
    write("control-flow", edited(jump), r"control flow \(a conditional jump\)")

    def xnnpack_delegate(blob, index=0):
        def edit(p):
            p["backend_delegate_data"] = [{"data": list(blob)}]
            plan(p)["delegates"] = [{"id": "XnnpackBackend",
                                     "processed": {"location": "INLINE", "index": index}}]
            plan(p)["chains"][0]["instructions"].insert(
                0, {"instr_args_type": "DelegateCall", "instr_args": {"delegate_index": 0,
                                                                      "args": [0, 1]}})
        return edit
    # An XNNHeader whose flatbuffer (1000 bytes at 32) runs past the 40-byte blob.
    cut = b"\0\0\0\0XH00" + struct.pack("<HIIIQ", 30, 32, 1000, 1032, 0) + b"\0" * 10
    write("delegate-cut-short", edited(xnnpack_delegate(cut)),
          r"XNNPACK delegate's blob has a header whose offsets and sizes lie outside its 40 "
          r"bytes \(the blob is cut short or corrupt\)")
    write("delegate-data-missing", edited(xnnpack_delegate(cut, index=3)),
          r"delegate data 3 does not exist")
    write("delegate-not-xnngraph",
          edited(xnnpack_delegate(b"\0\0\0\0XH00" + struct.pack("<HIIIQ", 30, 32, 8, 40, 0)
                                  + b"\0\0" + b"\0\0\0\0XN99")),
          r"has no XNNGraph \('XN01' identifier\)")
    write("delegate-index-out-of-range",
          edited(lambda p: plan(p)["chains"][0]["instructions"].insert(
              0, {"instr_args_type": "DelegateCall",
                  "instr_args": {"delegate_index": 4, "args": []}})),
          r"calls delegate 4, outside the method's 0 delegates")
    write("custom-operator", edited(lambda p: plan(p)["operators"][0].update(name="acme::fft")),
          r"operator acme::fft.out has no definition Kiln knows")
    write("external-without-ptd",
          edited(lambda p: [v["val"].update(extra_tensor_info={
              "fully_qualified_name": "w", "location": "EXTERNAL"})
              for v in plan(p)["values"]
              if v.get("val_type") == "Tensor" and v["val"].get("data_buffer_idx")]),
          r"no data named 'w' in the program, and no \.ptd file beside it")
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(cases, f, indent=1)
    print("%d hostile .pte cases in %s" % (len(cases), a.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
