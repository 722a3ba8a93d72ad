#!/usr/bin/env python3
"""compile_all.py: every model, every target, for a before/after comparison.

    compile_all.py compile --kilnc build/bin/kilnc --models build/models --out DIR
                   [--targets t1,t2] [--only m1,m2] [--jobs N]
    compile_all.py compare DIR_A DIR_B

`compile` runs `kilnc <model>/model.pt2 --target=T --name=net -o
DIR/<model>/<T>/net.o --report=DIR/<model>/<T>/report.json` for every model
folder under --models (each holds model.pt2) and every target `kilnc
--print-targets` lists, and keeps the object, the header and the JSON report.
A model kilnc refuses is recorded with its exit status and its diagnostics
(also compared: a refusal must stay the same refusal).

`compare` walks both trees and fails when a file exists in one only or when
two files differ in a byte; it prints the number of files compared. A
refactoring that must not change behaviour is checked by compiling with the
old kilnc into A, with the new one into B, and comparing.

Plain Python 3 (no torch): runs with any interpreter.
"""
import argparse
import concurrent.futures
import filecmp
import os
import subprocess
import sys


def list_targets(kilnc):
    out = subprocess.run([kilnc, "--print-targets"], check=True, capture_output=True,
                         text=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def compile_one(kilnc, model_dir, target, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    cmd = [kilnc, os.path.join(model_dir, "model.pt2"), "--target=" + target, "--name=net",
           "-o", os.path.join(out_dir, "net.o"),
           "--report=" + os.path.join(out_dir, "report.json")]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        # Paths differ between runs; keep the status and the diagnostics' text.
        text = proc.stderr.replace(model_dir, "<model>").replace(out_dir, "<out>")
        with open(os.path.join(out_dir, "refused.txt"), "w") as f:
            f.write("exit %d\n%s" % (proc.returncode, text))
    return proc.returncode


def cmd_compile(args):
    kilnc = os.path.abspath(args.kilnc)
    targets = args.targets.split(",") if args.targets else list_targets(kilnc)
    models = sorted(d for d in os.listdir(args.models)
                    if os.path.isfile(os.path.join(args.models, d, "model.pt2")))
    if args.only:
        wanted = set(args.only.split(","))
        models = [m for m in models if m in wanted or m.rsplit("-", 1)[0] in wanted]
    if not models:
        sys.exit("compile_all.py: no model folders (with model.pt2) under " + args.models)
    jobs = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for m in models:
            for t in targets:
                out_dir = os.path.abspath(os.path.join(args.out, m, t))
                jobs.append((m, t, pool.submit(compile_one, kilnc,
                                               os.path.abspath(os.path.join(args.models, m)),
                                               t, out_dir)))
        refused = 0
        for m, t, future in jobs:
            if future.result() != 0:
                refused += 1
    print("compile_all.py: %d models x %d targets = %d compiles, %d refused by kilnc"
          % (len(models), len(targets), len(jobs), refused))


def cmd_compare(args):
    compared, problems = 0, []
    for root, _, files in os.walk(args.a):
        rel = os.path.relpath(root, args.a)
        for name in sorted(files):
            a = os.path.join(root, name)
            b = os.path.join(args.b, rel, name)
            if not os.path.exists(b):
                problems.append("only in %s: %s" % (args.a, os.path.join(rel, name)))
                continue
            compared += 1
            if not filecmp.cmp(a, b, shallow=False):
                problems.append("differs: " + os.path.join(rel, name))
    for root, _, files in os.walk(args.b):
        rel = os.path.relpath(root, args.b)
        for name in files:
            if not os.path.exists(os.path.join(args.a, rel, name)):
                problems.append("only in %s: %s" % (args.b, os.path.join(rel, name)))
    for p in problems:
        print(p)
    print("compile_all.py: %d files compared, %d problems" % (compared, len(problems)))
    if compared == 0 or problems:
        sys.exit(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("compile")
    c.add_argument("--kilnc", required=True)
    c.add_argument("--models", required=True)
    c.add_argument("--out", required=True)
    c.add_argument("--targets", default="")
    c.add_argument("--only", default="", help="model folders or model names, comma-separated")
    c.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    c.set_defaults(func=cmd_compile)
    d = sub.add_parser("compare")
    d.add_argument("a")
    d.add_argument("b")
    d.set_defaults(func=cmd_compare)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
