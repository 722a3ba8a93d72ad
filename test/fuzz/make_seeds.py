#!/usr/bin/env python3
"""Seed corpora for the fuzz targets, from real .pt2 files.

    make_seeds.py --out DIR FILE.pt2 [FILE.pt2 ...]

Writes DIR/pt2/<n>.pt2 (the files themselves) and DIR/pickle/ (every
torch.save container found inside them, and its data.pkl), so each fuzz
target starts from inputs that reach deep into its reader.
"""
import argparse
import io
import os
import shutil
import zipfile


def torch_save_archives(data):
    """torch.save containers inside a .pt2 (legacy and 2.8 layouts)."""
    found = []
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return found
    for info in z.infolist():
        try:
            inner = z.read(info.filename)
        except Exception:
            continue
        if not inner.startswith(b"PK"):
            continue
        try:
            iz = zipfile.ZipFile(io.BytesIO(inner))
            pkl = [n for n in iz.namelist() if n.endswith("data.pkl")]
            if pkl:
                found.append((inner, iz.read(pkl[0])))
        except Exception:
            continue
    return found


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--out", required=True)
    p.add_argument("files", nargs="+")
    a = p.parse_args()
    for sub in ("pt2", "pickle"):
        shutil.rmtree(os.path.join(a.out, sub), ignore_errors=True)
        os.makedirs(os.path.join(a.out, sub))
    n_pickles = 0
    for i, path in enumerate(a.files):
        if not os.path.exists(path):
            continue
        data = open(path, "rb").read()
        open(os.path.join(a.out, "pt2", "%03d.pt2" % i), "wb").write(data)
        for archive, pickle in torch_save_archives(data):
            open(os.path.join(a.out, "pickle", "%03d.zip" % n_pickles), "wb").write(archive)
            open(os.path.join(a.out, "pickle", "%03d.pkl" % n_pickles), "wb").write(pickle)
            n_pickles += 1
    print("seeds: %d .pt2 files, %d torch.save archives" % (len(a.files), n_pickles))


if __name__ == "__main__":
    main()
