#!/usr/bin/env python3
"""Generates docs/operators.md from the code.

    gen_operators.py --kilnc KILNC --kiln-opt KILN_OPT --models DIR [--out docs/operators.md] [--check]

The operator list and its support status come from `kilnc --list-operators`
(the schema table compiler/import/schemas/aten.schemas and the import rules
of compiler/import/Aten*Ops.cpp); the tests that cover an operator are the
end-to-end models in DIR (build/models/<model>-<ir>/model.pt2) whose graphs
use it. The quantized patterns are the kiln-quantize-* passes that `kiln-opt --help`
lists (their summaries, from passes/Passes.td). With --check, compares with the existing file and fails if it is
stale, instead of writing it.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import zipfile


def graph_targets(pt2):
    """Operator names ('aten::conv2d', 'aten::add.Tensor') a .pt2 uses."""
    with zipfile.ZipFile(pt2) as z:
        names = [n for n in z.namelist()
                 if n.endswith("models/model.json") or n.endswith("serialized_exported_program.json")]
        program = json.loads(z.read(names[0]))
    found = set()
    for node in program["graph_module"]["graph"]["nodes"]:
        parts = node["target"].split(".")
        if len(parts) == 5 and parts[:2] == ["torch", "ops"]:
            ns, name, overload = parts[2:]
            found.add("%s::%s%s" % (ns, name, "" if overload == "default" else "." + overload))
    return found


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--kilnc", required=True)
    p.add_argument("--kiln-opt", required=True)
    p.add_argument("--models", required=True)
    p.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "operators.md"))
    p.add_argument("--check", action="store_true")
    a = p.parse_args()

    listing = subprocess.run([a.kilnc, "--list-operators"], check=True, capture_output=True,
                             text=True).stdout
    ops = [line.split("\t") for line in listing.splitlines() if line.strip()]
    coverage = {}
    for pt2 in sorted(glob.glob(os.path.join(a.models, "*", "model.pt2"))):
        test = "e2e." + os.path.basename(os.path.dirname(pt2))
        for op in graph_targets(pt2):
            coverage.setdefault(op, []).append(test)

    core = [o for o in ops if o[1] == "core"]
    core_supported = [o for o in core if o[2] == "yes"]
    other_supported = [o for o in ops if o[1] != "core" and o[2] == "yes"]
    lines = [
        "# Operator coverage",
        "",
        "Generated from the code by `ninja -C build operators-doc` "
        "(`docs/tools/gen_operators.py`): the operators are those of "
        "`compiler/import/schemas/aten.schemas`, *supported* means an import rule exists "
        "(`compiler/import/Aten*Ops.cpp`), and *covered by* lists the end-to-end tests whose exported graphs "
        "use the operator (each compares Kiln's outputs with PyTorch's). Do not edit by hand; "
        "the `operators-doc` test fails when this file is stale.",
        "",
        "**%d of %d Core ATen operators are supported**; %d further operators (training-IR, "
        "in-place and other non-core forms) are supported too." % (
            len(core_supported), len(core), len(other_supported)),
        "",
        "## Core ATen",
        "",
        "| operator | supported | covered by |",
        "|---|---|---|",
    ]
    def row(o):
        tests = ", ".join(coverage.get(o[0], [])) or ("—" if o[2] == "yes" else "")
        return "| `%s` | %s | %s |" % (o[0], o[2], tests)
    lines += [row(o) for o in sorted(core)]
    lines += ["", "## Other operators Kiln imports", "", "| operator | supported | covered by |",
              "|---|---|---|"]
    lines += [row(o) for o in sorted(other_supported)]
    # The integer folds of quantized programs: each kiln-quantize-* pass and its summary.
    help_text = subprocess.run([a.kiln_opt, "--help"], check=True, capture_output=True,
                               text=True).stdout
    passes = []
    for line in help_text.splitlines():
        name, _, summary = line.strip().partition(" - ")
        if name.startswith("--kiln-quantize-"):
            passes.append((name[2:].strip(), summary.strip()))
    lines += ["", "## Quantized patterns (int8)", "",
              "PT2E programs (`quantized_decomposed::*` above) run their quantized patterns as "
              "integer ops; these graph-stage passes fold them (docs/quantization.md gives the "
              "arithmetic; anything they leave runs in float, a *float island*, and "
              "`kilnc inspect` lists it).", "", "| pass | folds |", "|---|---|"]
    lines += ["| `%s` | %s |" % p for p in sorted(passes)]
    unsupported_other = sorted(o for o in ops if o[1] != "core" and o[2] != "yes")
    lines += ["", "## Other operators in the schema table, not supported yet", ""]
    lines += [", ".join("`%s`" % o[0] for o in unsupported_other), ""]
    text = "\n".join(lines)

    if a.check:
        current = open(a.out).read() if os.path.exists(a.out) else ""
        if current != text:
            print("%s is stale: run `ninja -C build operators-doc` and commit it" % a.out)
            return 1
        print("%s is up to date (%d/%d core operators supported)" % (
            a.out, len(core_supported), len(core)))
        return 0
    with open(a.out, "w") as f:
        f.write(text)
    print("wrote %s: %d of %d core operators supported" % (a.out, len(core_supported), len(core)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
