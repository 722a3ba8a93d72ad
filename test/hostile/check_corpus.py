#!/usr/bin/env python3
"""Runs kilnc on every case of the hostile corpus and checks how it fails.

    check_corpus.py KILNC CORPUS_DIR WORK_DIR

For every case: `kilnc CASE.pt2 -o WORK/CASE.o` must exit with status 1 (not
0, not a usage error, not a signal), print exactly one line on stderr that
names the file and matches the case's expected message, and leave neither
CASE.o nor CASE.h behind. `kilnc inspect` must not crash either (status 0 or
1). Prints one line per case; exits 1 if any case fails.
"""
import json
import os
import re
import subprocess
import sys


def main():
    kilnc, corpus, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    manifest = json.load(open(os.path.join(corpus, "manifest.json")))
    failures = 0
    for case in manifest:
        path = case["file"]
        out = os.path.join(work, case["case"] + ".o")
        header = os.path.join(work, case["case"] + ".h")
        for stale in (out, header):
            if os.path.exists(stale):
                os.remove(stale)
        run = subprocess.run([kilnc, path, "-o", out], capture_output=True, text=True,
                             errors="replace")
        lines = [l for l in run.stderr.splitlines() if l.strip()]
        problems = []
        if run.returncode != 1:
            problems.append("exit status %d (expected 1)" % run.returncode)
        if len(lines) != 1:
            problems.append("%d diagnostic lines (expected 1)" % len(lines))
        elif not lines[0].startswith(path):
            problems.append("the diagnostic does not start with the file name")
        elif not re.search(case["expect"], lines[0]):
            problems.append("the diagnostic does not match /%s/" % case["expect"])
        for leftover in (out, header):
            if os.path.exists(leftover):
                problems.append("left %s behind" % os.path.basename(leftover))
        inspect = subprocess.run([kilnc, "inspect", path], capture_output=True)
        if inspect.returncode not in (0, 1):
            problems.append("kilnc inspect exited with %d" % inspect.returncode)
        status = "ok" if not problems else "FAIL: " + "; ".join(problems)
        print("%-30s %s" % (case["case"], status))
        print("    " + (lines[0] if lines else "(no diagnostic)"))
        failures += bool(problems)
    print("%d of %d cases failed" % (failures, len(manifest)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
