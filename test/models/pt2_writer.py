#!/usr/bin/env python3
"""Write a graph_ir.Program as a `.pt2` archive, byte for byte as torch writes it.

Two layers:

* `StreamZipWriter` reproduces caffe2's PyTorchStreamWriter (miniz): every record under a
  root folder, stored (no compression), record data 64-byte aligned by an `FB` extra
  field in the local header, local headers with bit 3 set and a data descriptor after the
  data, version-needed 0, DOS time/date 0, and the ZIP64 end-of-central-directory record
  and locator that MZ_ZIP_FLAG_WRITE_ZIP64 always writes. `close()` appends
  `.data/version`, `byteorder` and `.data/serialization_id` as writeEndOfFile() does.
* Layout writers put the records of one torch version's `torch.export.save` into it.
  LAYOUTS maps a layout name to its writer (FORMATS.md §1, §2.1):

    2.9         PT2 archive, raw `weight_N`/`tensor_N` files + `*_weights_config.json`
    2.8         PT2 archive, `data/weights/model.pt` = torch.save of the state dict,
                `data/constants/model.pt` = torch.save of the constants
    legacy      torch 2.3-2.7 (written as 2.5): Python zipfile, no root folder,
                serialized_{exported_program.json,state_dict.pt,constants.pt,
                example_inputs.pt}, `version` = "7.3"
    legacy-2.2  torch 2.1/2.2: serialized_exported_program.json, serialized_state_dict.json
                and serialized_constants.json (torch.save zip bytes despite the name),
                `version` = "2"

* torch.save containers (`torch_save_bytes`): torch 1.13 pickles exactly what torch 2.x
  pickles for these objects (checked against the 2.2 file's data.pkl, byte for byte), so
  the pickle comes from 1.13's torch.save and is repacked with StreamZipWriter under
  `archive/` in the record order of the torch version being mimicked.

`WriteOptions` exercises readers: `deflate` (every member, top-level and nested,
compressed), `zip64` (ZIP64 records on every member), `root` (root folder of the 2.9/2.8
archive instead of the file's stem).
"""

import io
import json
import os
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

import torch

import pt2_json
from graph_ir import Program

FIELD_ALIGNMENT = 64  # caffe2::serialize::detail::kFieldAlignment
_U64 = (1 << 64) - 1


def _hash_combine(seed: int, value: int) -> int:
    """c10::hash_combine on 64-bit size_t."""
    return (seed ^ ((value + 0x9E3779B9 + (seed << 6) + (seed >> 2)) & _U64)) & _U64


def _name_hash(name: str) -> int:
    # std::hash<std::string> is implementation-defined; FNV-1a keeps the id deterministic.
    h = 0xCBF29CE484222325
    for b in name.encode("utf-8"):
        h = ((h ^ b) * 0x100000001B3) & _U64
    return h


class StreamZipWriter:
    """PyTorchStreamWriter: an uncompressed, 64-byte-aligned zip with one root folder."""

    def __init__(self, path: str, archive_name: str = None, min_version: int = 6,
                 deflate: bool = False, force_zip64: bool = False):
        self.path = path
        self.archive_name = archive_name or os.path.splitext(os.path.basename(path))[0]
        self.version = max(3, min_version)  # kMinProducedFileFormatVersion is 3
        # Not what torch writes by default: deflate = writeRecord(..., compress=true);
        # force_zip64 = every record laid out as miniz lays out a record over 4 GiB.
        self.deflate = deflate
        self.force_zip64 = force_zip64
        # With a path the archive streams into `<path>.tmp`, renamed on close: the weights
        # are never held in memory twice (a 2.5 GB model is written with 2.5 GB to spare).
        self.buf = open(path + ".tmp", "wb") if path is not None else io.BytesIO()
        # (full name, offset, crc, compressed size, size, method)
        self.entries: List[Tuple[bytes, int, int, int, int, int]] = []
        self.names: set = set()
        self.combined_crc = 0
        self.closed = False

    def _padding(self, name_len: int, size: int) -> bytes:
        cursor = self.buf.tell()
        start = cursor + 30 + name_len + 4
        if self.force_zip64:
            start += 4 + 24  # the ZIP64 extra field (sizes and offset) comes first
        elif size >= 0xFFFFFFFF or cursor >= 0xFFFFFFFF:
            start += 4
            if size >= 0xFFFFFFFF:
                start += 16
            if cursor >= 0xFFFFFFFF:
                start += 8
        pad = (-start) % FIELD_ALIGNMENT
        return b"FB" + struct.pack("<H", pad) + b"Z" * pad

    def write_record(self, name: str, data: bytes) -> None:
        if self.closed:
            raise RuntimeError("archive already closed")
        if name in self.names:
            raise RuntimeError("record %s written twice" % name)
        if not self.force_zip64 and (len(data) >= 0xFFFFFFFF or self.buf.tell() >= 0xFFFFFFFF):
            raise NotImplementedError("records or archives over 4 GiB need ZIP64 local fields")
        full = ("%s/%s" % (self.archive_name, name)).encode("utf-8")
        extra = self._padding(len(full), len(data))
        offset = self.buf.tell()
        crc = zlib.crc32(data) & 0xFFFFFFFF
        method, payload = 0, data
        if self.deflate:
            comp = zlib.compressobj(6, zlib.DEFLATED, -15)  # miniz MZ_DEFAULT_LEVEL, raw
            method, payload = 8, comp.compress(data) + comp.flush()
        if self.force_zip64:
            extra = struct.pack("<HHQQQ", 1, 24, len(data), len(payload), offset) + extra
        needed = 45 if self.force_zip64 else (20 if method else 0)
        # local header: version needed 0, flags 0x0808 (data descriptor, UTF-8), stored,
        # time/date 0, crc and sizes deferred to the data descriptor.
        self.buf.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, needed, 0x0808, method, 0, 0,
                                   0, 0, 0, len(full), len(extra)))
        self.buf.write(full)
        self.buf.write(extra)
        assert self.buf.tell() % FIELD_ALIGNMENT == 0
        self.buf.write(payload)
        if self.force_zip64:
            self.buf.write(struct.pack("<IIQQ", 0x08074B50, crc, len(payload), len(data)))
        else:
            self.buf.write(struct.pack("<IIII", 0x08074B50, crc, len(payload), len(data)))
        self.combined_crc = _hash_combine(self.combined_crc, crc)
        self.entries.append((full, offset, crc, len(payload), len(data), method))
        self.names.add(name)

    def _write_end_records(self) -> None:
        if ".data/version" not in self.names and "version" not in self.names:
            text = ("%d\n" % self.version).encode()
            self.write_record(".data/version" if self.version >= 6 else "version", text)
        if "byteorder" not in self.names:
            self.write_record("byteorder", b"little")
        if ".data/serialization_id" not in self.names:
            name_hash = 0
            for name in sorted(self.names):
                name_hash = _hash_combine(name_hash, _name_hash(name))
            sid = "%020d%020d" % (name_hash, self.combined_crc)
            self.write_record(".data/serialization_id", sid.encode())

    def close(self) -> Optional[bytes]:
        """Finish the archive: its bytes when written in memory, else None (file written)."""
        self._write_end_records()
        self.closed = True
        cd_offset = self.buf.tell()
        for full, offset, crc, csize, size, method in self.entries:
            if self.force_zip64:
                extra = struct.pack("<HHQQQ", 1, 24, size, csize, offset)
                self.buf.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0, 45, 0x0808,
                                           method, 0, 0, crc, 0xFFFFFFFF, 0xFFFFFFFF, len(full),
                                           len(extra), 0, 0, 0, 0, 0xFFFFFFFF))
                self.buf.write(full)
                self.buf.write(extra)
                continue
            needed = 20 if method else 0
            self.buf.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0, needed, 0x0808,
                                       method, 0, 0, crc, csize, size, len(full), 0, 0, 0, 0, 0,
                                       offset))
            self.buf.write(full)
        cd_size = self.buf.tell() - cd_offset
        n = len(self.entries)
        zip64_eocd = self.buf.tell()
        self.buf.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 0x031E, 0x002D, 0, 0, n, n,
                                   cd_size, cd_offset))
        self.buf.write(struct.pack("<IIQI", 0x07064B50, 0, zip64_eocd, 1))
        self.buf.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(n, 0xFFFF),
                                   min(n, 0xFFFF), min(cd_size, 0xFFFFFFFF),
                                   min(cd_offset, 0xFFFFFFFF), 0))
        if self.path is None:
            return self.buf.getvalue()
        self.buf.close()
        os.replace(self.path + ".tmp", self.path)
        return None


# ----------------------------------------------------------------------------------------
# Tensor payloads


def _storage_key(t: torch.Tensor):
    return (t.storage().data_ptr(), t.dtype)


def storage_bytes(t: torch.Tensor) -> memoryview:
    """Raw little-endian bytes of the whole storage behind `t` (native byte order), as a
    view of the storage itself, not a copy."""
    st = t.detach().storage()
    n = st.size()
    if n == 0:
        return memoryview(b"")
    flat = torch.empty(0, dtype=t.dtype).set_(st, 0, (n,), (1,))
    return memoryview(flat.view(torch.uint8).numpy() if t.dtype != torch.uint8 else flat.numpy())


def _save_raw_tensors(writer: StreamZipWriter, items: Dict[str, torch.Tensor], directory: str,
                      prefix: str) -> Dict[str, Any]:
    """One file per distinct (storage, dtype), named prefix0, prefix1, ...; config entries."""
    groups: Dict[Any, List[str]] = {}
    for fqn, t in items.items():
        groups.setdefault(_storage_key(t), []).append(fqn)
    config: Dict[str, Any] = {}
    for idx, fqns in enumerate(groups.values()):
        path_name = "%s%d" % (prefix, idx)
        writer.write_record(directory + path_name, storage_bytes(items[fqns[0]]))
        for fqn in fqns:
            t = items[fqn]
            config[fqn] = {
                "path_name": path_name,
                "is_param": isinstance(t, torch.nn.Parameter),
                "use_pickle": False,
                "tensor_meta": pt2_json.tensor_meta_of(t),
            }
    return config


def torch_save_bytes(obj: Any, protocol: int = 2) -> bytes:
    """torch 1.13's own torch.save output (what the default 2.9 sample inputs hold)."""
    buf = io.BytesIO()
    torch.save(obj, buf, pickle_protocol=protocol, _use_new_zipfile_serialization=True)
    return buf.getvalue()


# Record order of torch.save's container per torch version (serialization.py `_save`):
#   "2.2": data.pkl, byteorder, data/<key> in lexicographic key order, then
#          writeEndOfFile's version "3\n" and .data/serialization_id (the real 2.2 file).
#   "2.8": data.pkl, .format_version "1", .storage_alignment "64", byteorder, data/<key> in
#          numeric key order, version, .data/serialization_id (newer `_save`; .format_version
#          1 = "storages numerically ordered"). Which release first wrote it is not confirmed.
TORCH_SAVE_STYLES = ("2.2", "2.8")


def torch_save_archive(obj: Any, style: str, deflate: bool = False, zip64: bool = False,
                       protocol: int = 2) -> bytes:
    """torch.save(obj, BytesIO, pickle_protocol=2) as torch `style` writes it: root `archive/`."""
    if style not in TORCH_SAVE_STYLES:
        raise ValueError("unknown torch.save style %r" % style)
    src = zipfile.ZipFile(io.BytesIO(torch_save_bytes(obj, protocol)))
    pickle_name = "archive/data.pkl"
    keys = [n[len("archive/data/"):] for n in src.namelist() if n.startswith("archive/data/")]
    keys.sort(key=int if style == "2.8" else str)
    w = StreamZipWriter(None, archive_name="archive", min_version=3, deflate=deflate,
                        force_zip64=zip64)
    w.write_record("data.pkl", src.read(pickle_name))
    if style == "2.8":
        w.write_record(".format_version", b"1")
        w.write_record(".storage_alignment", b"%d" % FIELD_ALIGNMENT)
    w.write_record("byteorder", b"little")
    for key in keys:
        w.write_record("data/" + key, src.read("archive/data/" + key))
    return w.close()  # version "3\n", .data/serialization_id


# ----------------------------------------------------------------------------------------
# Layouts


@dataclass
class WriteOptions:
    root: Optional[str] = None  # root folder of the 2.9/2.8 archive; default: file stem
    deflate: bool = False  # compress every member (top-level and nested) with deflate
    zip64: bool = False  # ZIP64 records on every member (top-level and nested)

    @property
    def default(self) -> bool:
        return not (self.deflate or self.zip64)


def _example_inputs(prog: Program):
    return (tuple(prog.example_inputs), {})


def write_pt2_v29(path: str, prog: Program, opts: WriteOptions = None) -> None:
    """torch >= 2.9 torch.export.save: package_pt2(f, exported_programs={"model": ep})."""
    opts = opts or WriteOptions()
    model = "model"
    w = StreamZipWriter(path, archive_name=opts.root, min_version=6, deflate=opts.deflate,
                        force_zip64=opts.zip64)
    weights_config = _save_raw_tensors(w, prog.state_dict, "data/weights/", "weight_")
    w.write_record("data/weights/%s_weights_config.json" % model,
                   json.dumps({"config": weights_config}).encode())
    constants_config = _save_raw_tensors(w, prog.constants, "data/constants/", "tensor_")
    w.write_record("data/constants/%s_constants_config.json" % model,
                   json.dumps({"config": constants_config}).encode())
    w.write_record("models/%s.json" % model,
                   pt2_json.to_json_bytes(pt2_json.exported_program_json(prog, "2.9")))
    if opts.default:
        sample_inputs = torch_save_bytes(_example_inputs(prog))
    else:
        sample_inputs = torch_save_archive(_example_inputs(prog), "2.8", opts.deflate, opts.zip64)
    w.write_record("data/sample_inputs/%s.pt" % model, sample_inputs)
    w.write_record("archive_format", b"pt2")
    w.write_record("archive_version", b"0")
    w.close()


def write_pt2_v28(path: str, prog: Program, opts: WriteOptions = None) -> None:
    """torch 2.8 torch.export.save: the PT2 archive with one torch.save pickle per payload
    (_package_exported_programs: models/model.json, data/weights/model.pt,
    data/constants/model.pt, data/sample_inputs/model.pt; FORMATS.md §1.3 legacy fallback)."""
    opts = opts or WriteOptions()
    model = "model"

    def save(obj):
        return torch_save_archive(obj, "2.8", opts.deflate, opts.zip64)

    w = StreamZipWriter(path, archive_name=opts.root, min_version=6, deflate=opts.deflate,
                        force_zip64=opts.zip64)
    w.write_record("models/%s.json" % model,
                   pt2_json.to_json_bytes(pt2_json.exported_program_json(prog, "2.8")))
    w.write_record("data/weights/%s.pt" % model, save(dict(prog.state_dict)))
    w.write_record("data/constants/%s.pt" % model, save(dict(prog.constants)))
    w.write_record("data/sample_inputs/%s.pt" % model, save(_example_inputs(prog)))
    w.write_record("archive_format", b"pt2")
    w.write_record("archive_version", b"0")
    w.close()


# Python's zipfile stamps members with the current local time; a fixed stamp keeps the
# fixtures reproducible.
LEGACY_DATE_TIME = (2024, 1, 1, 0, 0, 0)


def write_flat_zip(path: str, members: List[Tuple[str, bytes]], deflate: bool = False,
                   zip64: bool = False) -> None:
    """torch 2.1-2.7 torch.export.save: zipfile.ZipFile(f, 'w') + writestr per member.

    zip64=True lays out every member as Python's zipfile does for members and offsets past
    4 GiB (0xFFFFFFFF in the headers, sizes and offsets in ZIP64 extra fields, a ZIP64 end
    record), by lowering zipfile.ZIP64_LIMIT while writing.
    """
    saved_limit = zipfile.ZIP64_LIMIT
    if zip64:
        zipfile.ZIP64_LIMIT = -1
    try:
        with zipfile.ZipFile(path, "w") as zf:
            for name, data in members:
                info = zipfile.ZipInfo(name, date_time=LEGACY_DATE_TIME)
                info.external_attr = 0o600 << 16  # what writestr(str, ...) sets
                info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
                zf.writestr(info, data)
    finally:
        zipfile.ZIP64_LIMIT = saved_limit


def write_legacy(path: str, prog: Program, opts: WriteOptions = None) -> None:
    """torch 2.3-2.7 (as 2.5): flat zip with .pt torch.save payloads and example inputs."""
    opts = opts or WriteOptions()
    fl = pt2_json.FLAVOURS["legacy"]

    def save(obj):
        return torch_save_archive(obj, "2.2", opts.deflate, opts.zip64)

    write_flat_zip(path, [
        ("serialized_exported_program.json",
         pt2_json.to_json_bytes(pt2_json.exported_program_json(prog, "legacy"))),
        ("serialized_state_dict.pt", save(dict(prog.state_dict))),
        ("serialized_constants.pt", save(dict(prog.constants))),
        ("serialized_example_inputs.pt", save(_example_inputs(prog))),
        ("version", fl.schema_version_text.encode()),
    ], opts.deflate, opts.zip64)


def write_legacy_22(path: str, prog: Program, opts: WriteOptions = None) -> None:
    """torch 2.1/2.2: serialized_*.json members, the state dict and constants being torch.save
    zip bytes despite the name (pytorch#116949), `version` "2", no example inputs."""
    opts = opts or WriteOptions()
    fl = pt2_json.FLAVOURS["legacy-2.2"]

    def save(obj):
        return torch_save_archive(obj, "2.2", opts.deflate, opts.zip64)

    write_flat_zip(path, [
        ("serialized_exported_program.json",
         pt2_json.to_json_bytes(pt2_json.exported_program_json(prog, "legacy-2.2"))),
        ("serialized_state_dict.json", save(dict(prog.state_dict))),
        ("serialized_constants.json", save(dict(prog.constants))),
        ("version", fl.schema_version_text.encode()),
    ], opts.deflate, opts.zip64)


LAYOUTS: Dict[str, Callable[..., None]] = {
    "2.9": write_pt2_v29,
    "2.8": write_pt2_v28,
    "legacy": write_legacy,
    "legacy-2.2": write_legacy_22,
}
# Layouts with a root folder (PyTorchStreamWriter archives); the others are flat zips.
ROOTED_LAYOUTS = ("2.9", "2.8")


def write_pt2(path: str, prog: Program, layout: str = "2.9", opts: WriteOptions = None) -> None:
    try:
        writer = LAYOUTS[layout]
    except KeyError:
        raise ValueError("unknown .pt2 layout %r (have: %s)" % (layout, ", ".join(LAYOUTS)))
    opts = opts or WriteOptions()
    if opts.root is not None and layout not in ROOTED_LAYOUTS:
        raise ValueError("layout %s is a flat zip; --root applies to %s only"
                         % (layout, " and ".join(ROOTED_LAYOUTS)))
    try:
        writer(path, prog, opts)
    except BaseException:
        if os.path.exists(path + ".tmp"):  # a StreamZipWriter stopped half-way
            os.remove(path + ".tmp")
        raise
