#!/usr/bin/env python3
"""Read a `.pt2` archive with zipfile + json only (torch 1.13 has no torch.export).

`open_archive(path)` detects the layout and returns a reader with
    .layout                    "2.9" (raw weight files), "2.8" or "legacy"
    .exported_program()        the model JSON as a dict
    .state_dict()              FQN -> torch.Tensor (parameters and persistent buffers)
    .constants()               FQN -> torch.Tensor (lifted constants, non-persistent buffers)

Layouts (FORMATS.md §1, §2):
    2.9     <root>/archive_format == "pt2", data/weights/model_weights_config.json + weight_N
    2.8     <root>/archive_format == "pt2", data/weights/model.pt (torch.save of the state
            dict), data/constants/model.pt (torch.save of the constants)
    legacy  no root folder: serialized_exported_program.json, serialized_state_dict.pt|.json,
            serialized_constants.pt|.json (torch 2.1-2.7; the .json ones of 2.1/2.2 hold
            torch.save zip bytes too)
torch.save payloads are read with torch.load (torch 1.13 reads the containers of 2.x).
Stored, deflated and ZIP64 members are all read by zipfile.

`user_inputs(ep)` lists the graph's user inputs with their declared dtype and shape, in
order, for tests that run files they did not write (make_inputs.py).
"""

import io
import json
import zipfile
from typing import Any, Dict

import torch

from torch_enums import SCALAR_TYPE_TO_TORCH


class ArchiveError(Exception):
    pass


def union(value: Dict[str, Any]):
    """(key, payload) of a serialized union; accepts the old all-members-with-nulls form."""
    if not isinstance(value, dict):
        raise ArchiveError("expected a union object, got %r" % (value,))
    items = [(k, v) for k, v in value.items() if v is not None]
    if len(items) != 1:
        raise ArchiveError("union with %d non-null members: %r" % (len(items), value))
    return items[0]


def sym_int_value(v) -> int:
    if isinstance(v, int):  # torch 2.1/2.2 wrote bare ints
        return v
    kind, payload = union(v)
    if kind != "as_int":
        raise ArchiveError("symbolic sizes are not supported (%r)" % (v,))
    return int(payload)


def tensor_from_bytes(data: bytes, meta: Dict[str, Any]) -> torch.Tensor:
    """FORMATS.md §1.3 reader algorithm: flat record -> as_strided(sizes, strides, offset)."""
    dtype = SCALAR_TYPE_TO_TORCH[meta["dtype"]]
    sizes = [sym_int_value(s) for s in meta["sizes"]]
    strides = [sym_int_value(s) for s in meta["strides"]]
    offset = sym_int_value(meta.get("storage_offset", {"as_int": 0}))
    if len(data) == 0:
        return torch.zeros(sizes, dtype=dtype)
    elem = torch.empty((), dtype=dtype).element_size()
    if len(data) % elem:
        raise ArchiveError("record of %d bytes is not a whole number of %s" % (len(data), dtype))
    flat = torch.frombuffer(bytearray(data), dtype=dtype)
    return torch.as_strided(flat, sizes, strides, offset)


class Pt2V29Reader:
    layout = "2.9"

    def __init__(self, zf: zipfile.ZipFile, root: str, model: str = "model"):
        self.zf, self.root, self.model = zf, root, model

    def read(self, name: str) -> bytes:
        try:
            return self.zf.read("%s/%s" % (self.root, name))
        except KeyError:
            raise ArchiveError("archive has no record %s/%s" % (self.root, name)) from None

    def exported_program(self) -> Dict[str, Any]:
        return json.loads(self.read("models/%s.json" % self.model))

    def _payload(self, directory: str, config_name: str) -> Dict[str, torch.Tensor]:
        config = json.loads(self.read(directory + config_name))["config"]
        out = {}
        for fqn, meta in config.items():
            data = self.read(directory + meta["path_name"])
            if meta.get("use_pickle"):
                out[fqn] = torch.load(io.BytesIO(data))
            else:
                out[fqn] = tensor_from_bytes(data, meta["tensor_meta"])
        return out

    def state_dict(self) -> Dict[str, torch.Tensor]:
        return self._payload("data/weights/", "%s_weights_config.json" % self.model)

    def constants(self) -> Dict[str, torch.Tensor]:
        return self._payload("data/constants/", "%s_constants_config.json" % self.model)


def _torch_load(data: bytes, what: str):
    if not data:
        return {}
    try:
        return torch.load(io.BytesIO(data))
    except Exception as e:  # a damaged or foreign payload
        raise ArchiveError("cannot torch.load %s: %s" % (what, e)) from None


class Pt2V28Reader(Pt2V29Reader):
    """torch 2.8: the PT2 archive with whole-dict torch.save payloads (FORMATS.md §1.3)."""

    layout = "2.8"

    def state_dict(self) -> Dict[str, torch.Tensor]:
        name = "data/weights/%s.pt" % self.model
        return dict(_torch_load(self.read(name), "%s/%s" % (self.root, name)))

    def constants(self) -> Dict[str, torch.Tensor]:
        name = "data/constants/%s.pt" % self.model
        if "%s/%s" % (self.root, name) not in self.zf.namelist():
            return {}
        return dict(_torch_load(self.read(name), "%s/%s" % (self.root, name)))


class LegacyReader:
    """torch 2.1-2.7: a flat zip of serialized_* members (FORMATS.md §2.1)."""

    layout = "legacy"

    def __init__(self, zf: zipfile.ZipFile, root: str = ""):
        self.zf = zf
        self.names = set(zf.namelist())

    def _member(self, stem: str):
        for ext in (".pt", ".json"):  # 2.3-2.7 wrote .pt, 2.1/2.2 the same bytes as .json
            if stem + ext in self.names:
                return stem + ext
        return None

    @property
    def version(self) -> str:
        return self.zf.read("version").decode() if "version" in self.names else ""

    def exported_program(self) -> Dict[str, Any]:
        return json.loads(self.zf.read("serialized_exported_program.json"))

    def state_dict(self) -> Dict[str, torch.Tensor]:
        name = self._member("serialized_state_dict")
        if name is None:
            raise ArchiveError("archive has no serialized_state_dict.pt or .json")
        return dict(_torch_load(self.zf.read(name), name))

    def constants(self) -> Dict[str, torch.Tensor]:
        name = self._member("serialized_constants")  # absent before torch 2.2
        return dict(_torch_load(self.zf.read(name), name)) if name else {}


READERS = {"2.9": Pt2V29Reader, "2.8": Pt2V28Reader, "legacy": LegacyReader}


def user_inputs(ep: Dict[str, Any]):
    """[(name, torch dtype, sizes)] of the graph's tensor user inputs, in input_specs order."""
    graph = ep["graph_module"]["graph"]
    out = []
    for spec in ep["graph_module"]["signature"]["input_specs"]:
        kind, p = union(spec)
        if kind != "user_input":
            continue
        akind, arg = union(p["arg"])
        if akind != "as_tensor":
            raise ArchiveError("non-tensor user input %r is not supported" % (p["arg"],))
        meta = graph["tensor_values"][arg["name"]]
        out.append((arg["name"], SCALAR_TYPE_TO_TORCH[meta["dtype"]],
                    [sym_int_value(s) for s in meta["sizes"]]))
    return out


def detect_layout(zf: zipfile.ZipFile):
    names = zf.namelist()
    if not names:
        raise ArchiveError("empty zip")
    if "serialized_exported_program.json" in names:
        return "legacy", ""
    root = names[0].split("/")[0]
    fmt = "%s/archive_format" % root
    if fmt in names and zf.read(fmt) == b"pt2":
        if "%s/data/weights/model.pt" % root in names:
            return "2.8", root
        return "2.9", root
    raise ArchiveError("not a torch.export archive (no archive_format, no "
                       "serialized_exported_program.json)")


def open_archive(path: str):
    zf = zipfile.ZipFile(path)
    layout, root = detect_layout(zf)
    if layout not in READERS:
        raise ArchiveError(".pt2 layout %r is not supported by this reader yet" % layout)
    return READERS[layout](zf, root)
