#!/usr/bin/env python3
"""check_targets.py: everything said about a target agrees with targets/targets.ini.

    check_targets.py [--kilnc KILNC] [--clang CLANG]   check (exit 1 on a disagreement)
    check_targets.py --write-docs                       regenerate docs/targets.md's table

The table in targets/targets.ini is the one place a target's facts are written;
kilnc's descriptors, the micro-kernel libraries, the runtime stub's C flags and the
QEMU suite are generated from it or read it. What remains written elsewhere, or
could drift, is checked here:
  - docs/targets.md's table is the table rendered from the file (--write-docs
    rewrites it);
  - `kilnc --print-targets` lists the same targets, in the same order, with the
    same triple, CPU, features and index width;
  - `cflags` makes clang compile for the target's triple (architecture and
    environment), CPU and features: the stub and the kernels are built with the
    flags, the models with the descriptor, and both must describe one machine;
  - test/qemu/run_case.sh has a runner for every target's qemu-runner.
Plain Python 3; no torch.
"""
import argparse
import configparser
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
TABLE = os.path.join(ROOT, "targets", "targets.ini")
DOCS = os.path.join(ROOT, "docs", "targets.md")
RUN_CASE = os.path.join(ROOT, "test", "qemu", "run_case.sh")
BEGIN = "<!-- generated from targets/targets.ini by test/check_targets.py --write-docs -->"
END = "<!-- end of the generated table -->"


def read_table():
    parser = configparser.ConfigParser(interpolation=None, comment_prefixes=("#",),
                                       empty_lines_in_values=False)
    parser.optionxform = str
    with open(TABLE) as f:
        parser.read_file(f)
    return [(name, dict(parser[name])) for name in parser.sections()]


def runs_under(t):
    runner = t["qemu-runner"]
    if runner == "native":
        return "natively"
    if runner == "mps2":
        return "`%s -M %s`" % (t["qemu-command"], t["qemu-board"])
    if runner == "hexagon":
        return "`%s` (static freestanding ELF)" % t["qemu-command"]
    return "`%s`" % t["qemu-command"]


def render_docs_table(targets):
    rows = ["| `--target` | triple | default CPU / features | default `-O` | index bits | PIC "
            "| hosted | rounding instructions | arena align | kernel tile "
            "| runs in the tests under |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, t in targets:
        cpu = t["cpu"]
        if t["features"]:
            cpu += ", " + t["features"]
        tile = t["kernel-tile"]
        for variant in filter(None, (v.strip() for v in t["kernel-variant"].split(";"))):
            vname, vtile, vfeatures = variant.split()
            tile += " (%s with %s)" % (vtile, vfeatures.replace(",", " "))
        rows.append("| `%s` | %s | %s | `-%s` | %s | %s | %s | %s | %s | %s | %s |" % (
            name, t["triple"], cpu, t["opt-level"], t["index-bits"], t["pic"], t["hosted"],
            t["native-rounding"], t["arena-align"], tile, runs_under(t)))
    return "\n".join(rows) + "\n"


def docs_with_table(text, table):
    if BEGIN not in text or END not in text:
        raise SystemExit("check_targets.py: %s lacks the markers of the generated table" % DOCS)
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + BEGIN + "\n" + table + END + tail


def check_docs(targets, problems):
    with open(DOCS) as f:
        text = f.read()
    if docs_with_table(text, render_docs_table(targets)) != text:
        problems.append("docs/targets.md: the table differs from targets/targets.ini "
                        "(run test/check_targets.py --write-docs)")


def check_kilnc(kilnc, targets, problems):
    out = subprocess.run([kilnc, "--print-targets"], check=True, capture_output=True,
                         text=True).stdout
    listed = []
    for line in out.splitlines():
        # "  name  triple  cpu CPU  FEATURES|-  N-bit index  -OPT  summary"
        m = re.match(r"\s*(\S+)\s+(\S+)\s+cpu (\S+)\s+(\S+)\s+(\d+)-bit index\s+-(O\S+)\s+(.*)$",
                     line)
        if not m:
            problems.append("kilnc --print-targets: cannot read the line %r" % line)
            continue
        listed.append(m.groups())
    names = [n for n, _ in targets]
    if [l[0] for l in listed] != names:
        problems.append("kilnc --print-targets lists %s, targets.ini %s"
                        % ([l[0] for l in listed], names))
    table = dict(targets)
    for name, triple, cpu, features, index, opt, summary in listed:
        t = table.get(name)
        if not t:
            continue
        expected = (t["triple"], t["cpu"], t["features"] or "-", t["index-bits"],
                    t["opt-level"], t["summary"])
        if (triple, cpu, features, index, opt, summary) != expected:
            problems.append("kilnc --print-targets says %s: %s, targets.ini %s"
                            % (name, (triple, cpu, features, index, opt, summary), expected))


def triple_parts(triple):
    """(arch, environment) of a triple, however many components it has."""
    parts = triple.split("-")
    return parts[0], parts[-1]


def check_cflags(clang, targets, problems):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "empty.c")
        with open(src, "w") as f:
            f.write("int kiln_check_targets(int x) { return x + 1; }\n")
        for name, t in targets:
            proc = subprocess.run([clang] + t["cflags"].split() +
                                  ["-ffreestanding", "-S", "-emit-llvm", "-o", "-", src],
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                problems.append("%s: clang rejects cflags %r: %s"
                                % (name, t["cflags"], proc.stderr.strip()))
                continue
            ir = proc.stdout
            m = re.search(r'^target triple = "([^"]+)"', ir, re.M)
            if not m or triple_parts(m.group(1)) != triple_parts(t["triple"]):
                problems.append("%s: cflags compile for %s, the table's triple is %s"
                                % (name, m.group(1) if m else "?", t["triple"]))
            cpu = re.search(r'"target-cpu"="([^"]*)"', ir)
            if not cpu or cpu.group(1) != t["cpu"]:
                problems.append("%s: cflags compile for CPU %s, the table's cpu is %s"
                                % (name, cpu.group(1) if cpu else "(none)", t["cpu"]))
            fs = re.search(r'"target-features"="([^"]*)"', ir)
            have = set(fs.group(1).split(",")) if fs else set()
            for feature in filter(None, t["features"].split(",")):
                if feature not in have:
                    problems.append("%s: cflags do not enable %s, which the table's "
                                    "features name" % (name, feature))


def check_runners(targets, problems):
    with open(RUN_CASE) as f:
        script = f.read()
    handled = set()
    for m in re.finditer(r"^\s*([a-z0-9|-]+)\)\s*$", script, re.M):
        handled.update(m.group(1).split("|"))
    for name, t in targets:
        if t["qemu-runner"] not in handled:
            problems.append("%s: test/qemu/run_case.sh has no runner '%s'"
                            % (name, t["qemu-runner"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kilnc")
    parser.add_argument("--clang")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    targets = read_table()
    if args.write_docs:
        with open(DOCS) as f:
            text = f.read()
        with open(DOCS, "w") as f:
            f.write(docs_with_table(text, render_docs_table(targets)))
        return
    problems = []
    check_docs(targets, problems)
    check_runners(targets, problems)
    if args.kilnc:
        check_kilnc(args.kilnc, targets, problems)
    if args.clang:
        check_cflags(args.clang, targets, problems)
    for p in problems:
        print("check_targets.py: " + p)
    print("check_targets.py: %d targets, %d problems" % (len(targets), len(problems)))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
