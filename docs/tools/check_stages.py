#!/usr/bin/env python3
"""Checks docs/architecture.md's table of stages against the pipeline.

    check_stages.py --kiln-opt KILN_OPT --root SOURCE_DIR

The pipeline is what compiler/pipeline/Pipeline.cpp builds: for every stage
registered as `kiln-stage-<name>`, `kiln-opt --kiln-stage-<name>
--dump-pass-pipeline` prints its passes (with default options), and
`kiln-opt --kiln-pipeline --dump-pass-pipeline` all stages in order. The
test fails, naming the difference, when

  - a registered stage has no row in the table, or a row names no stage;
  - a row's passes (the backticked names, in order) differ from the passes
    the stage runs, or an option the row names (in braces) is not an option
    of that pass (`kiln-opt --help` lists each pass's options);
  - the rows, in table order, are not the whole pipeline in order;
  - a Kiln pass (declared in passes/Passes.td) runs in stage S but the file
    that defines it is not under passes/S/ (the quantization passes, under
    passes/quant/, run in the graph stage).
"""
import argparse
import os
import re
import subprocess
import sys


def split_top(text, sep=","):
    """Splits `text` at `sep` outside parentheses and braces."""
    parts, depth, current = [], 0, ""
    for c in text:
        if c in "({":
            depth += 1
        elif c in ")}":
            depth -= 1
        if c == sep and depth == 0:
            if current.strip():
                parts.append(current.strip())
            current = ""
        else:
            current += c
    if current.strip():
        parts.append(current.strip())
    return parts


def flatten(pipeline):
    """[(pass, {option names})] of a textual pipeline, anchors removed."""
    passes = []
    for element in split_top(pipeline):
        m = re.match(r"^([\w.-]+)\((.*)\)$", element, re.S)
        if m:  # an op anchor: builtin.module(...), func.func(...)
            passes.extend(flatten(m.group(2)))
            continue
        m = re.match(r"^([\w.-]+)(?:\{(.*)\})?$", element, re.S)
        if not m:
            raise ValueError("cannot read pipeline element %r" % element)
        options = set()
        if m.group(2):
            for option in split_top(m.group(2), " "):
                options.add(option.split("=", 1)[0])
        passes.append((m.group(1), options))
    return passes


def pipeline_passes(kiln_opt, pipeline):
    out = subprocess.run([kiln_opt, "--" + pipeline, "--dump-pass-pipeline",
                          "-o", os.devnull, os.devnull],
                         capture_output=True, text=True, check=True)
    lines = [l for l in out.stderr.splitlines() if l.strip() and not l.startswith("Pass Manager")]
    return flatten(" ".join(lines).strip())


def help_options(kiln_opt):
    """{pass or pipeline: {option names}} from `kiln-opt --help`."""
    out = subprocess.run([kiln_opt, "--help"], capture_output=True, text=True, check=True)
    options, current = {}, None
    for line in out.stdout.splitlines():
        m = re.match(r"^ {6}--([\w.-]+)\s", line)
        if m:
            current = m.group(1)
            options[current] = set()
            continue
        m = re.match(r"^ {8}--([\w.-]+)", line)
        if m and current:
            options[current].add(m.group(1).split("=", 1)[0])
        elif not line.startswith(" " * 8):
            current = None
    return options


def doc_rows(path):
    """{stage: [(pass, {option names})]} from the '| stage | passes' table:
    the backticked names of each row, notes in parentheses left out."""
    rows = {}
    with open(path) as f:
        text = f.read()
    table = re.search(r"^\| stage \| passes[^\n]*\n\|[-| ]+\|\n((?:\|[^\n]*\n)+)", text, re.M)
    if not table:
        raise ValueError("%s: no '| stage | passes' table" % path)
    for line in table.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        stage, passes = cells[0], cells[1]
        listed = []
        passes = re.sub(r"\([^()]*(?:\([^()]*\)[^()]*)*\)", "", passes)  # the notes
        for name in re.findall(r"`([^`]+)`", passes):
            m = re.match(r"^([\w.-]+)(?:\{([^}]*)\})?$", name)
            if not m:
                continue
            options = set(o.split("=", 1)[0] for o in (m.group(2) or "").split())
            listed.append((m.group(1), options))
        rows[stage] = listed
    return rows


def pass_files(root):
    """{pass argument: its defining file, relative to passes/} for every pass
    of passes/Passes.td (the file with its GEN_PASS_DEF_ macro)."""
    with open(os.path.join(root, "passes", "Passes.td")) as f:
        defs = dict((arg, name) for name, arg in
                    re.findall(r'^def (\w+) : Pass<"([^"]+)"', f.read(), re.M))
    files = {}
    for dirpath, _, names in os.walk(os.path.join(root, "passes")):
        for n in sorted(names):
            if not n.endswith(".cpp"):
                continue
            path = os.path.join(dirpath, n)
            with open(path) as f:
                macros = set(re.findall(r"^#define GEN_PASS_DEF_(\w+)$", f.read(), re.M))
            for arg, name in defs.items():
                if name.upper() in macros:
                    files[arg] = os.path.relpath(path, os.path.join(root, "passes"))
    missing = sorted(set(defs) - set(files))
    if missing:
        raise ValueError("no file under passes/ defines %s" % ", ".join(missing))
    return files


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--kiln-opt", required=True)
    p.add_argument("--root", required=True, help="the source tree")
    args = p.parse_args()
    docs = os.path.join(args.root, "docs", "architecture.md")
    rows = doc_rows(docs)
    options = help_options(args.kiln_opt)
    files = pass_files(args.root)
    stages = sorted(p[len("kiln-stage-"):] for p in options if p.startswith("kiln-stage-"))
    problems = []
    documented = [s for s, passes in rows.items() if passes]
    if sorted(documented) != stages:
        problems.append("stages: kiln-opt registers %s, docs/architecture.md lists %s" %
                        (", ".join(stages), ", ".join(documented)))
    for stage in stages:
        actual = [n for n, _ in pipeline_passes(args.kiln_opt, "kiln-stage-" + stage)]
        listed = rows.get(stage, [])
        if actual != [n for n, _ in listed]:
            problems.append("stage %s: Pipeline.cpp runs\n    %s\n  docs/architecture.md says\n"
                            "    %s" % (stage, ", ".join(actual), ", ".join(n for n, _ in listed)))
            continue
        home = {"graph": ("graph", "quant")}.get(stage, (stage,))
        for name in actual:
            if name in files and files[name].split(os.sep)[0] not in home:
                problems.append("stage %s runs %s, defined in passes/%s: not under passes/%s/" %
                                (stage, name, files[name], stage))
        for name, named in listed:
            unknown = sorted(named - options.get(name, set()))
            if unknown:
                problems.append("stage %s: docs/architecture.md names option(s) %s of %s, "
                                "which has %s" % (stage, ", ".join(unknown), name,
                                                  ", ".join(sorted(options.get(name, ())))
                                                  or "none"))
    whole = [n for n, _ in pipeline_passes(args.kiln_opt, "kiln-pipeline")]
    in_order = [n for s in documented for n, _ in rows[s]]
    if not problems and whole != in_order:
        problems.append("the table's rows in order are not kiln-pipeline's passes:\n    %s\n"
                        "  table:\n    %s" % (", ".join(whole), ", ".join(in_order)))
    for problem in problems:
        print("check_stages.py: " + problem, file=sys.stderr)
    if problems:
        return 1
    print("check_stages.py: %d stages agree with docs/architecture.md" % len(stages))
    return 0


if __name__ == "__main__":
    sys.exit(main())
