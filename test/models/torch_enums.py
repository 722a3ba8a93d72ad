#!/usr/bin/env python3
"""Enum numberings of torch.export's serializer (torch/_export/serde/schema.py).

These are NOT c10's numbers: FLOAT is 7 here (6 in c10), BOOL 12 (11), and so on.
"""

import torch

# ScalarType (schema.py); float8/uint16 entries only where torch 1.13 has the dtype.
SCALAR_TYPE = {
    torch.uint8: 1,
    torch.int8: 2,
    torch.int16: 3,
    torch.int32: 4,
    torch.int64: 5,
    torch.float16: 6,
    torch.float32: 7,
    torch.float64: 8,
    torch.complex32: 9,
    torch.complex64: 10,
    torch.complex128: 11,
    torch.bool: 12,
    torch.bfloat16: 13,
}
for _name, _code in (("uint16", 28), ("float8_e4m3fn", 29), ("float8_e5m2", 30),
                     ("float8_e4m3fnuz", 31), ("float8_e5m2fnuz", 32)):
    if hasattr(torch, _name):
        SCALAR_TYPE[getattr(torch, _name)] = _code
SCALAR_TYPE_TO_TORCH = {v: k for k, v in SCALAR_TYPE.items()}

LAYOUT = {
    torch.sparse_coo: 1,
    torch.sparse_csr: 2,
    torch.sparse_csc: 3,
    torch.sparse_bsr: 4,
    torch.sparse_bsc: 5,
    torch._mkldnn: 6,
    torch.strided: 7,
}
LAYOUT_TO_TORCH = {v: k for k, v in LAYOUT.items()}

MEMORY_FORMAT = {
    torch.contiguous_format: 1,
    torch.channels_last: 2,
    torch.channels_last_3d: 3,
    torch.preserve_format: 4,
}
MEMORY_FORMAT_TO_TORCH = {v: k for k, v in MEMORY_FORMAT.items()}

# NamedArgument.kind
ARG_POSITIONAL = 1
ARG_KEYWORD = 2

# Spellings of enum-valued schema defaults (native_functions.yaml) as torch objects.
ENUM_DEFAULTS = {
    ("MemoryFormat", "contiguous_format"): torch.contiguous_format,
    ("MemoryFormat", "preserve_format"): torch.preserve_format,
    ("MemoryFormat", "channels_last"): torch.channels_last,
    ("Layout", "strided"): torch.strided,
    ("ScalarType", "long"): torch.int64,
    ("ScalarType", "float"): torch.float32,
    ("ScalarType", "int"): torch.int32,
}


def default_to_torch(value):
    """Turn a schemas.py default (maybe an EnumDefault, maybe a list) into a torch value."""
    from schemas import EnumDefault

    if isinstance(value, EnumDefault):
        return ENUM_DEFAULTS[(value.kind, value.value)]
    if isinstance(value, list):
        return [default_to_torch(v) for v in value]
    return value


def complete_arguments(schema, args):
    """`args` (name -> value) completed with `schema`'s defaults, in schema order:
    (the full dict, None), or (None, the name of the first argument that has neither
    a value nor a default)."""
    full = {}
    for a in schema.arguments:
        if a.name in args:
            full[a.name] = args[a.name]
        elif a.has_default:
            full[a.name] = default_to_torch(a.default)
        else:
            return None, a.name
    return full, None
