#!/usr/bin/env python3
"""Write ExecuTorch `.pte` files from a program as JSON, as ExecuTorch lays them out.

    from pte_writer import encode, decode
    raw = encode(program, segments, flatc="flatc", schema_dir=".../pte/schema")

`program` is the Program table as `flatc --json` spells it (pte_reference.py decodes files
into the same form), `segments` the bytes of Program.segments in order. The flatbuffer is
built by `flatc -b` against Kiln's schema (compiler/import/pte/schema/program.fbs); then,
as ExecuTorch's serializer does (FORMATS.md §3.2), when there is segment data the 32-byte
extended header (`eh00`: its length, the program size, the segment base offset, the
segment data size) is inserted at offset 8, after the root offset and the `ET12`
identifier, and the root offset moved past it (every other flatbuffer offset is relative,
so nothing else changes; 32 bytes keep every alignment); the segments follow, each at a
multiple of 128 bytes from the segment base. Without segment data the file is the bare
flatbuffer (the header is left out, as ExecuTorch leaves it out).

Used by the hostile corpus (test/hostile/make_pte_corpus.py), which edits decoded files.
"""

import json
import os
import struct
import subprocess
import tempfile

SEGMENT_ALIGNMENT = 128
HEADER_LENGTH = 32


def decode(raw, flatc="flatc", schema_dir=None):
    """The Program of a .pte file's bytes as JSON, and its segments' bytes."""
    size, base = len(raw), 0
    if len(raw) >= 32 and raw[8:12] == b"eh00":
        size, base = struct.unpack_from("<QQ", raw, 16)
    with tempfile.TemporaryDirectory() as tmp:
        binary = os.path.join(tmp, "program.bin")
        with open(binary, "wb") as f:
            f.write(raw[:size])
        subprocess.run([flatc, "--json", "--raw-binary", "--strict-json", "--defaults-json",
                        "-o", tmp, os.path.join(schema_dir, "program.fbs"), "--", binary],
                       check=True, capture_output=True)
        with open(os.path.join(tmp, "program.json")) as f:
            program = json.load(f)
    segments = [raw[base + int(s.get("offset", 0)):base + int(s.get("offset", 0)) +
                    int(s.get("size", 0))] for s in program.get("segments", [])]
    return program, segments


def encode_flatbuffer(obj, schema, flatc="flatc"):
    """The flatbuffer of a JSON object, by `flatc -b` against `schema` (an .fbs file)."""
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, "object.json")
        with open(source, "w") as f:
            json.dump(obj, f)
        subprocess.run([flatc, "-b", "-o", tmp, schema, source], check=True,
                       capture_output=True)
        out = [f for f in os.listdir(tmp) if f != "object.json"]
        with open(os.path.join(tmp, out[0]), "rb") as f:
            return f.read()


def _align(n, a):
    return (n + a - 1) // a * a


def encode(program, segments=(), flatc="flatc", schema_dir=None, header=None):
    """The bytes of a .pte file. `header`: force the extended header on or off (default:
    present when there is segment data). Program.segments is rewritten to the layout."""
    program = json.loads(json.dumps(program))
    offsets, at = [], 0
    for data in segments:
        offsets.append({"offset": at, "size": len(data)})
        at = _align(at + len(data), SEGMENT_ALIGNMENT)
    if segments:
        program["segments"] = offsets
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, "program.json")
        with open(source, "w") as f:
            json.dump(program, f)
        subprocess.run([flatc, "-b", "-o", tmp, os.path.join(schema_dir, "program.fbs"),
                        source], check=True, capture_output=True)
        with open(os.path.join(tmp, "program.pte"), "rb") as f:  # the schema's extension
            flat = f.read()
    data_size = sum(len(s) for s in segments)
    if header is None:
        header = data_size > 0
    if not header:
        return flat
    root, = struct.unpack_from("<I", flat, 0)
    program_size = len(flat) + HEADER_LENGTH
    base = _align(program_size, SEGMENT_ALIGNMENT)
    head = b"eh00" + struct.pack("<IQQQ", HEADER_LENGTH, program_size, base, data_size)
    out = bytearray(struct.pack("<I", root + HEADER_LENGTH) + flat[4:8] + head + flat[8:])
    out += b"\0" * (base - len(out))
    for data, where in zip(segments, offsets):
        out += b"\0" * (base + where["offset"] - len(out))
        out += data
    return bytes(out)
