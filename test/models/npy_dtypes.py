#!/usr/bin/env python3
"""Tensors as .npy files, for dtypes numpy lacks too, and the `dtypes.json` sidecar.

Every tensor is written in its own dtype, C-contiguous, except the dtypes of
NUMPY_STAND_IN: numpy has no bfloat16, so a bfloat16 tensor is written as a float32 array
holding exactly its values (every bfloat16 value is a float32 value). The directory's
`dtypes.json` then names the dtype each file really stands for:

    {"inputs": ["bfloat16"], "outputs": ["bfloat16"]}

one entry per input_K.npy / expected_K.npy (output_K.npy for reference.py), in K order,
spelled as torch spells dtypes without the module ("float32", "int64", "bool", ...).
A reader converts a file whose numpy dtype differs from its entry (float32 -> bfloat16
only); the conversion is exact.
"""

import json
import os
from typing import Iterable, Optional

import numpy as np
import torch

# dtype -> the dtype its .npy file uses (lossless)
NUMPY_STAND_IN = {torch.bfloat16: torch.float32}

_BY_NAME = {str(d)[len("torch."):]: d for d in (
    torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.int64, torch.int32,
    torch.int16, torch.int8, torch.uint8, torch.bool, torch.complex64, torch.complex128)}


def dtype_name(dtype: torch.dtype) -> str:
    """"float32", "int64", "bfloat16", ... (torch's name without the module)."""
    return str(dtype)[len("torch."):]


def dtype_from_name(name: str) -> torch.dtype:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError("unknown dtype name %r" % name) from None


def to_numpy(t: torch.Tensor) -> np.ndarray:
    """A C-contiguous numpy copy of `t`; bfloat16 as float32 holding the same values."""
    t = t.detach()
    t = t.to(NUMPY_STAND_IN.get(t.dtype, t.dtype))
    # np.array, not np.ascontiguousarray: the latter turns a 0-d array into shape (1,).
    return np.array(t.numpy(), order="C", copy=True)


def from_numpy(arr: np.ndarray, dtype: Optional[torch.dtype] = None) -> torch.Tensor:
    """The tensor an .npy array stands for: converted to `dtype` when the array holds it in
    its stand-in dtype (float32 for bfloat16), refusing values that are not exact."""
    t = torch.from_numpy(np.ascontiguousarray(arr))
    if dtype is None or t.dtype == dtype:
        return t
    if NUMPY_STAND_IN.get(dtype) != t.dtype:
        raise ValueError("array of %s where %s is expected" % (dtype_name(t.dtype), dtype_name(dtype)))
    out = t.to(dtype)
    if not torch.equal(out.to(t.dtype), t):
        raise ValueError("%s array holds values that are not %s values"
                         % (dtype_name(t.dtype), dtype_name(dtype)))
    return out


def write_dtypes_json(out_dir: str, inputs: Optional[Iterable] = None,
                      outputs: Optional[Iterable] = None) -> str:
    """OUT_DIR/dtypes.json with the dtype of each given tensor (or torch.dtype, or name);
    returns its path."""
    def name(x):
        if isinstance(x, str):
            return x
        return dtype_name(x if isinstance(x, torch.dtype) else x.dtype)

    doc = {}
    for key, items in (("inputs", inputs), ("outputs", outputs)):
        if items is not None:
            doc[key] = [name(x) for x in items]
    path = os.path.join(out_dir, "dtypes.json")
    with open(path, "w") as f:
        f.write(json.dumps(doc) + "\n")
    return path


def read_dtypes_json(directory: str):
    """{"inputs": [torch.dtype], "outputs": [...]} of DIR/dtypes.json, or {} if absent."""
    path = os.path.join(directory, "dtypes.json")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        doc = json.load(f)
    return {k: [dtype_from_name(n) for n in v] for k, v in doc.items()}
