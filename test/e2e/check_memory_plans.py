#!/usr/bin/env python3
"""The memory plan of every exported model: small, valid, and safe at run time.

    check_memory_plans.py --kilnc K --kiln-run R --models DIR --work W
        [--valgrind V] [--max-ratio 1.02] [--case "MODEL TOL..." ...] [--only a,b]

For each exported model DIR/<model>-<ir>/model.pt2 (those named by the --case
lines, the e2e cases of test/models/CMakeLists.txt: "model rtol atol [irs]" or
"model scaled T [irs]"):

1. `kilnc --emit=shared --cpu=x86-64-v3 --report=W/.../report.json` (x86-64-v3:
   valgrind has no AVX-512);
2. the JSON report has the documented fields; an independent check that no two
   buffers whose live ranges intersect overlap in memory, that every buffer
   lies inside the arena, and that arena_bytes equals the header's
   <NAME>_ARENA_SIZE; arena_bytes <= MAX_RATIO x lower_bound_bytes;
3. with --valgrind: kiln-run under memcheck with an arena of exactly
   <NAME>_ARENA_SIZE bytes, checking the outputs against PyTorch's with the
   case's tolerance: no invalid access, outputs match. Once, as a control, the
   first model with a non-empty arena runs with one byte less: memcheck must
   report the access past the end (otherwise the check could not fail).

Prints one table row per model (arena, lower bound, ratio, all temporaries
without reuse, weights, algorithm); exits 1 if any check fails.
"""
import argparse
import json
import os
import re
import subprocess
import sys

VALGRIND_ERROR = 99


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, errors="replace", **kw)


def parse_cases(lines):
    cases = {}
    for line in lines:
        f = line.split()
        if not f:
            continue
        irs = f[3].split(",") if len(f) > 3 else ["training", "core"]
        if f[1] == "scaled":
            tol = ["--scaled-tol", f[2]]
        else:
            tol = ["--rtol", f[1], "--atol", f[2]]
        for ir in irs:
            cases["%s-%s" % (f[0], ir)] = tol
    return cases


def check_report(report, header_arena):
    """Problems with a report, as a list of strings (empty: valid)."""
    problems = []
    for key in ("arena_bytes", "lower_bound_bytes", "weights_bytes", "buffers", "ops"):
        if key not in report:
            problems.append("missing field %r" % key)
    if problems:
        return problems
    nops = len(report["ops"])
    for i, op in enumerate(report["ops"]):
        if op.get("index") != i or "name" not in op or "op" not in op:
            problems.append("op %d malformed: %r" % (i, op))
    bufs = report["buffers"]
    bank_size = {b["name"]: b["size"] for b in report.get("banks", [])}
    for b in bufs:
        for key in ("name", "offset", "size", "first_op", "last_op"):
            if key not in b:
                problems.append("buffer without %r: %r" % (key, b))
                return problems
        limit = bank_size.get(b.get("bank"), report["arena_bytes"])
        if b["offset"] < 0 or b["offset"] + b["size"] > limit:
            problems.append("buffer %r [%d, %d) outside its bank of %d bytes"
                            % (b["name"], b["offset"], b["offset"] + b["size"], limit))
        if not 0 <= b["first_op"] <= b["last_op"] < max(nops, 1):
            problems.append("buffer %r live range %d..%d outside the %d ops"
                            % (b["name"], b["first_op"], b["last_op"], nops))
    # Overlaps, by a sweep over ops (independent of the planner's code).
    for t in range(nops):
        live = sorted((b["bank"], b["offset"], b["offset"] + b["size"], b["name"])
                      for b in bufs if b["first_op"] <= t <= b["last_op"])
        for a, c in zip(live, live[1:]):
            if a[0] == c[0] and c[1] < a[2]:
                # Buffers merged in place share one range on purpose: same offset, size.
                if (a[1], a[2]) != (c[1], c[2]):
                    problems.append("at op %d, %r [%d, %d) overlaps %r [%d, %d)"
                                    % (t, a[3], a[1], a[2], c[3], c[1], c[2]))
    if header_arena is not None and header_arena != report["arena_bytes"]:
        problems.append("arena_bytes %d but the header says %d"
                        % (report["arena_bytes"], header_arena))
    return problems


def shares_range_ok(report):
    """Buffers that share a range must not be live at the same op unless they were merged in
    place: merged buffers hand over at one op (one dies where the other starts)."""
    problems = []
    by_range = {}
    for b in report["buffers"]:
        by_range.setdefault((b.get("bank"), b["offset"], b["size"]), []).append(b)
    for group in by_range.values():
        group.sort(key=lambda b: b["first_op"])
        for a, c in zip(group, group[1:]):
            if c["first_op"] < a["last_op"]:
                problems.append("%r and %r share [%d, %d) while both live (ops %d..%d, %d..%d)"
                                % (a["name"], c["name"], a["offset"], a["offset"] + a["size"],
                                   a["first_op"], a["last_op"], c["first_op"], c["last_op"]))
    return problems


def io_args(model_dir):
    args = []
    k = 0
    while os.path.exists(os.path.join(model_dir, "input_%d.npy" % k)):
        args += ["--input", os.path.join(model_dir, "input_%d.npy" % k)]
        k += 1
    checks = []
    k = 0
    while os.path.exists(os.path.join(model_dir, "expected_%d.npy" % k)):
        checks += ["--check", os.path.join(model_dir, "expected_%d.npy" % k)]
        k += 1
    return args, checks


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--kilnc", required=True)
    p.add_argument("--kiln-run", dest="kiln_run", required=True)
    p.add_argument("--models", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--valgrind")
    p.add_argument("--max-ratio", type=float, default=1.02)
    p.add_argument("--case", action="append", default=[])
    p.add_argument("--only", default="")
    a = p.parse_args()

    cases = parse_cases(a.case)
    only = set(filter(None, a.only.split(",")))
    names = [n for n in sorted(cases) if not only or n in only or n.rsplit("-", 1)[0] in only]
    failures = 0
    control_done = a.valgrind is None
    print("%-32s %12s %12s %7s %14s %12s  %s" % ("model", "arena", "lower bound", "ratio",
                                               "no reuse", "weights", "algorithm"))
    for name in names:
        model_dir = os.path.join(a.models, name)
        pt2 = os.path.join(model_dir, "model.pt2")
        if not os.path.exists(pt2):
            print("%-32s FAIL: %s is missing" % (name, pt2))
            failures += 1
            continue
        work = os.path.join(a.work, name)
        os.makedirs(work, exist_ok=True)
        lib = os.path.join(work, "m.so")
        report_path = os.path.join(work, "report.json")
        r = run([a.kilnc, pt2, "--emit=shared", "--cpu=x86-64-v3", "-o", lib,
                 "--report=" + report_path])
        if r.returncode != 0:
            print("%-32s FAIL (compile): %s" % (name, r.stderr.strip().splitlines()[-1:]))
            failures += 1
            continue
        with open(report_path) as f:
            report = json.load(f)
        header_arena = None
        with open(os.path.join(work, "m.h")) as f:
            m = re.search(r"#define \w+_ARENA_SIZE (\d+)u", f.read())
            header_arena = int(m.group(1)) if m else None
        problems = check_report(report, header_arena) + shares_range_ok(report)
        arena, bound = report["arena_bytes"], report["lower_bound_bytes"]
        ratio = arena / bound if bound else 1.0
        if arena > a.max_ratio * bound:
            problems.append("arena %d > %.2f x lower bound %d" % (arena, a.max_ratio, bound))
        status = "ok"
        if a.valgrind and not problems:
            inputs, checks = io_args(model_dir)
            vg = [a.valgrind, "--error-exitcode=%d" % VALGRIND_ERROR, "-q"]
            r = run(vg + [a.kiln_run, lib, "--no-output", "--quiet"] + inputs + checks +
                    cases[name])
            if r.returncode != 0:
                problems.append("under memcheck: exit %d: %s" % (
                    r.returncode, " | ".join((r.stderr + r.stdout).strip().splitlines()[:6])))
            elif not control_done and arena > 0:
                r = run(vg + [a.kiln_run, lib, "--no-output", "--quiet",
                              "--arena-bytes", str(arena - 1)] + inputs)
                if r.returncode != VALGRIND_ERROR or "Invalid" not in r.stderr:
                    problems.append("control: with an arena one byte short memcheck reported "
                                    "nothing (exit %d)" % r.returncode)
                else:
                    status = "ok (control: one byte short is caught)"
                control_done = True
        if problems:
            status = "FAIL: " + "; ".join(problems[:3])
            failures += 1
        print("%-32s %12d %12d %7.4f %14d %12d  %s  %s" % (
            name, arena, bound, ratio, report.get("total_temporary_bytes", 0),
            report["weights_bytes"], report.get("algorithm", ""), status))
        sys.stdout.flush()
    print("%d of %d models failed" % (failures, len(names)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
