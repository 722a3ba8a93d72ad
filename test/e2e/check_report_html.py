#!/usr/bin/env python3
"""Checks that a kilnc HTML report really draws its arena in a browser.

    check_report_html.py --chromium PATH --html FILE --json FILE [--timeout S]

Loads FILE.html in headless Chromium (--dump-dom, in a throwaway profile),
counts the <rect> elements of class "buffer" that the page's script drew, and
compares the count with the number of buffers in FILE.json (the same report
as JSON). Exit status 0 iff the counts are equal, the count is > 0, and the
page's script wrote no error marker (an element with id "kiln-error");
otherwise it prints what it found and exits 1.

A report with no buffers always fails: a page that draws nothing cannot be
told apart from one whose script did not run, so there is nothing to check.

Plain Python 3, standard library only.
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

RECT = re.compile(r"<rect\b([^>]*)>", re.IGNORECASE)
CLASS = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
ERROR = re.compile(r"""\bid\s*=\s*["']?kiln-error\b""", re.IGNORECASE)
ERROR_TEXT = re.compile(r">([^<]*)<", re.IGNORECASE)
DRAWN = re.compile(r"""\bdata-kiln-drawn\s*=\s*["']?(\d+)""", re.IGNORECASE)


def count_buffer_rects(dom):
    n = 0
    for m in RECT.finditer(dom):
        c = CLASS.search(m.group(1))
        if c and "buffer" in (c.group(1) or c.group(2) or c.group(3) or "").split():
            n += 1
    return n


def dump_dom(chromium, html, timeout):
    """The DOM of the page after its scripts ran, as Chromium serializes it."""
    url = "file://" + os.path.abspath(html)
    profile = tempfile.mkdtemp(prefix="kiln-report-chromium-")
    try:
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + profile,
               "--dump-dom", url]
        try:
            # Its own process group, so that a timeout ends Chromium's helper
            # processes too, and nothing else.
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    start_new_session=True)
        except OSError as e:
            return None, "cannot run %s: %s" % (chromium, e)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            proc.communicate()
            return None, "chromium did not finish within %g s" % timeout
        dom = out.decode("utf-8", "replace")
        if proc.returncode != 0 or not dom.strip():
            err = err.decode("utf-8", "replace").strip().splitlines()
            return None, "chromium exited with status %d and %d bytes of DOM; stderr:\n  %s" % (
                proc.returncode, len(dom), "\n  ".join(err[-15:]))
        return dom, None
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--chromium", required=True, help="the chromium executable")
    ap.add_argument("--html", required=True, help="the report as HTML")
    ap.add_argument("--json", required=True, help="the same report as JSON")
    ap.add_argument("--timeout", type=float, default=120, help="seconds for chromium")
    args = ap.parse_args()

    try:
        with open(args.json, encoding="utf-8") as f:
            report = json.load(f)
        expected = len(report["buffers"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        print("%s: cannot read the report's buffers: %s" % (args.json, e))
        return 1
    if not os.path.isfile(args.html):
        print("%s: no such file" % args.html)
        return 1

    dom, error = dump_dom(args.chromium, args.html, args.timeout)
    if error:
        print("%s: %s" % (args.html, error))
        return 1

    found = count_buffer_rects(dom)
    drawn = DRAWN.search(dom)
    failed = ERROR.search(dom)
    print("%s: %d buffer rectangle(s) in the DOM, %d buffer(s) in %s%s" % (
        args.html, found, expected, args.json,
        "; the script says it drew %s" % drawn.group(1) if drawn else
        "; the script did not mark the picture as drawn"))
    ok = True
    if failed:
        message = ERROR_TEXT.search(dom, failed.start())
        print("the page's script failed: %s" % (
            message.group(1).strip() if message else "(no message)"))
        ok = False
    if expected == 0:
        print("the report has no buffers: nothing to check (the count must be > 0)")
        ok = False
    elif found != expected:
        print("mismatch: expected %d buffer rectangle(s), found %d" % (expected, found))
        ok = False
    if ok:
        print("OK")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
