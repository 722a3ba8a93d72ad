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
  LAYOUTS maps a layout name to its writer; only "2.9" (FORMATS.md §1.2-1.4, raw weight
  files) exists so far. The torch 2.8 layout (one torch.save pickle per model) and the
  legacy 2.3-2.7 zip (FORMATS.md §2) are meant to be added next to it.
"""

import io
import json
import os
import struct
import zlib
from typing import Any, Callable, Dict, List, Tuple

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

    def __init__(self, path: str, archive_name: str = None, min_version: int = 6):
        self.path = path
        self.archive_name = archive_name or os.path.splitext(os.path.basename(path))[0]
        self.version = max(3, min_version)  # kMinProducedFileFormatVersion is 3
        self.buf = io.BytesIO()
        self.entries: List[Tuple[str, int, int, int]] = []  # (full name, offset, crc, size)
        self.names: set = set()
        self.combined_crc = 0
        self.closed = False

    def _padding(self, name_len: int, size: int) -> bytes:
        cursor = self.buf.tell()
        start = cursor + 30 + name_len + 4
        if size >= 0xFFFFFFFF or cursor >= 0xFFFFFFFF:
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
        if len(data) >= 0xFFFFFFFF or self.buf.tell() >= 0xFFFFFFFF:
            raise NotImplementedError("records or archives over 4 GiB need ZIP64 local fields")
        full = ("%s/%s" % (self.archive_name, name)).encode("utf-8")
        extra = self._padding(len(full), len(data))
        offset = self.buf.tell()
        crc = zlib.crc32(data) & 0xFFFFFFFF
        # local header: version needed 0, flags 0x0808 (data descriptor, UTF-8), stored,
        # time/date 0, crc and sizes deferred to the data descriptor.
        self.buf.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 0, 0x0808, 0, 0, 0, 0, 0, 0,
                                   len(full), len(extra)))
        self.buf.write(full)
        self.buf.write(extra)
        assert self.buf.tell() % FIELD_ALIGNMENT == 0
        self.buf.write(data)
        self.buf.write(struct.pack("<IIII", 0x08074B50, crc, len(data), len(data)))
        self.combined_crc = _hash_combine(self.combined_crc, crc)
        self.entries.append((full, offset, crc, len(data)))
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

    def close(self) -> bytes:
        self._write_end_records()
        self.closed = True
        cd_offset = self.buf.tell()
        for full, offset, crc, size in self.entries:
            self.buf.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0, 0, 0x0808, 0, 0, 0,
                                       crc, size, size, len(full), 0, 0, 0, 0, 0, offset))
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
        data = self.buf.getvalue()
        if self.path is not None:
            with open(self.path, "wb") as f:
                f.write(data)
        return data


# ----------------------------------------------------------------------------------------
# Tensor payloads


def _storage_key(t: torch.Tensor):
    return (t.storage().data_ptr(), t.dtype)


def storage_bytes(t: torch.Tensor) -> bytes:
    """Raw little-endian bytes of the whole storage behind `t` (native byte order)."""
    st = t.detach().storage()
    n = st.size()
    if n == 0:
        return b""
    flat = torch.empty(0, dtype=t.dtype).set_(st, 0, (n,), (1,))
    return flat.view(torch.uint8).numpy().tobytes() if t.dtype != torch.uint8 else flat.numpy().tobytes()


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
    buf = io.BytesIO()
    torch.save(obj, buf, pickle_protocol=protocol)
    return buf.getvalue()


# ----------------------------------------------------------------------------------------
# Layouts


def write_pt2_v29(path: str, prog: Program) -> None:
    """torch >= 2.9 torch.export.save: package_pt2(f, exported_programs={"model": ep})."""
    model = "model"
    w = StreamZipWriter(path, min_version=6)
    weights_config = _save_raw_tensors(w, prog.state_dict, "data/weights/", "weight_")
    w.write_record("data/weights/%s_weights_config.json" % model,
                   json.dumps({"config": weights_config}).encode())
    constants_config = _save_raw_tensors(w, prog.constants, "data/constants/", "tensor_")
    w.write_record("data/constants/%s_constants_config.json" % model,
                   json.dumps({"config": constants_config}).encode())
    w.write_record("models/%s.json" % model,
                   pt2_json.to_json_bytes(pt2_json.exported_program_json(prog)))
    w.write_record("data/sample_inputs/%s.pt" % model,
                   torch_save_bytes((tuple(prog.example_inputs), {})))
    w.write_record("archive_format", b"pt2")
    w.write_record("archive_version", b"0")
    w.close()


LAYOUTS: Dict[str, Callable[[str, Program], None]] = {
    "2.9": write_pt2_v29,
}


def write_pt2(path: str, prog: Program, layout: str = "2.9") -> None:
    try:
        writer = LAYOUTS[layout]
    except KeyError:
        raise ValueError("unknown .pt2 layout %r (have: %s)" % (layout, ", ".join(LAYOUTS)))
    writer(path, prog)
