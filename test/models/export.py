#!/usr/bin/env python3
"""Export a zoo model as a torch.export `.pt2` archive with inputs and reference outputs.

    /usr/bin/python3 test/models/export.py --model NAME --ir training|core --out DIR [--seed N]
        [--layout 2.9|2.8|legacy|legacy-2.2] [--deflate] [--zip64] [--root NAME]
        [--share-storage]

writes
    DIR/model.pt2        torch.export.save archive (FORMATS.md §1.2-1.4; default layout 2.9)
    DIR/input_K.npy      the example inputs (zoo.py, seeded), one per forward() argument
    DIR/expected_K.npy   outputs of the PyTorch module itself (eval, no_grad), one per output
    DIR/dtypes.json      {"inputs": [...], "outputs": [...]}: the dtype the model really uses
                         for each input_K / expected_K ("float32", "int64", "bfloat16", ...)

The .npy files hold each tensor in its own dtype, C-contiguous, except bfloat16, which
numpy lacks: a bfloat16 tensor is written as a float32 array holding exactly its values
(every bfloat16 is a float32), and dtypes.json says "bfloat16" for it (npy_dtypes.py).

`--layout` picks the torch version whose torch.export.save layout is written (see
pt2_writer.LAYOUTS and README.md). `--deflate`, `--zip64` and `--root` change the zip
container only; `--share-storage` changes the model: two of its parameters then live in one
storage, one at a non-zero storage offset and with non-contiguous (reversed) strides, so
readers must honour offsets and strides (the 2.9 layout writes one weight_N for both).

torch 1.13 (Debian's python3-torch) has no torch.export, so the graph is captured with
1.13's tracers and rewritten into what torch >= 2.9 produces:

* `--ir core` = `torch.export.export(m, args).run_decompositions()` (Core ATen,
  verifiers ["ATEN"]). Captured with functorch's `make_fx(functionalize(f))` on real
  tensors, parameters and buffers passed as inputs via `functional_call`; then rewritten
  (rewrite.CORE_RULES): `t` -> `permute [1, 0]`, eval `native_batch_norm` ->
  `_native_batch_norm_legit_no_training` (3 outputs), `_reshape_alias` -> `view`, ...
* `--ir training` = `torch.export.export(m, args)` (pre-dispatch training IR, verifiers
  ["TRAINING"]): `linear`, `conv2d`, `batch_norm`, `max_pool2d`, `adaptive_avg_pool2d`,
  `flatten.using_ints`, `relu`/`relu_`, `dropout`, ... Captured with `torch.jit.trace`,
  whose recorded ATen calls sit at the same level (before autograd and before composite
  decomposition), in-place ops kept in-place; the tracer's `_convolution` becomes
  `conv{1,2,3}d` (rewrite.TRAINING_RULES) and traced shape arithmetic is folded.
  Chosen over a `__torch_function__` mode because it yields ATen overloads with schemas
  rather than Python-level functions.

Both paths then: drop dead nodes, run the rewritten graph with torch 1.13's kernels
(aten_eval) to get every value's dtype/shape/strides/requires_grad, name nodes and values
as FX and torch.export do, check that the rewritten graph reproduces the module's output,
and serialize (pt2_json, pt2_writer). Operator names and argument layouts are torch
>= 2.9's, taken from compiler/import/schemas/aten.schemas.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch_python  # noqa: E402

torch_python.ensure()

import numpy as np  # noqa: E402
import torch  # noqa: E402

import aten_eval  # noqa: E402
import capture  # noqa: E402
import graph_ir  # noqa: E402
import pt2_writer  # noqa: E402
import rewrite  # noqa: E402
import schemas  # noqa: E402
import zoo  # noqa: E402
from npy_dtypes import dtype_name, to_numpy, write_dtypes_json  # noqa: E402


def compare(got: torch.Tensor, want: torch.Tensor, rtol=1e-4, atol=1e-5):
    """(ok, max abs error, problem): same dtype and shape, integers and bools equal,
    floating values within rtol/atol (compared in float64; NaNs equal) element by element,
    or else all within rtol times the largest |want| (deep networks such as
    efficientnet_v2_l end with values near 100 whose rounding, after hundreds of layers
    computed in another order, exceeds atol on the outputs near zero)."""
    got, want = got.detach(), want.detach()
    if got.dtype != want.dtype or got.shape != want.shape:
        return False, float("inf"), "%s%s vs %s%s" % (dtype_name(got.dtype), list(got.shape),
                                                     dtype_name(want.dtype), list(want.shape))
    if want.numel() == 0:
        return True, 0.0, ""
    g, w = got.to(torch.float64), want.to(torch.float64)
    err = float((g - w).abs().nan_to_num(0.0).max())
    if want.is_floating_point():
        ok = bool(torch.isclose(g, w, rtol=rtol, atol=atol, equal_nan=True).all())
        if not ok and bool(torch.isfinite(w).all()) and bool(torch.isfinite(g).all()):
            ok = err <= rtol * float(w.abs().max())
    else:
        ok = torch.equal(got, want)
    return ok, err, "" if ok else "max abs error %g" % err


def propagate_meta(prog: graph_ir.Program) -> None:
    """Fill Value.meta by running the graph with autograd on, as export traces."""
    # Only parameters require grad among the placeholders (export's lifted state).
    not_param = {id(spec.value) for spec in prog.input_specs if spec.kind != "parameter"}

    def record(value, t):
        if not isinstance(t, torch.Tensor):
            return
        value.meta = graph_ir.TensorMeta(t.dtype, tuple(t.shape), tuple(t.stride()),
                                         t.storage_offset(), bool(t.requires_grad),
                                         str(t.device))
        if id(value) in not_param:
            value.meta.requires_grad = False

    aten_eval.run_program(prog, prog.example_inputs, grad=True, on_value=record)


def share_storage(module: torch.nn.Module):
    """Put two parameters of `module` into one storage: the first parameter with two or
    more dimensions (B) and another parameter of its dtype (A, its own module's bias if it
    has one). The storage holds A, then B's elements in reversed-dimension order, so A is
    at offset 0 and B is a non-contiguous view (strides reversed) at offset A.numel().
    Values are unchanged. Returns (fqn of A, fqn of B)."""
    params = dict(module.named_parameters())
    big = next((n for n, p in params.items() if p.dim() >= 2), None)
    if big is None:
        raise ValueError("no parameter with two or more dimensions to share a storage with")
    prefix = big.rsplit(".", 1)[0] + "." if "." in big else ""
    candidates = [prefix + "bias"] + [n for n in params if n != big]
    small = next(n for n in candidates if n in params and n != big
                 and params[n].dtype == params[big].dtype)
    a, b = params[small].detach(), params[big].detach()
    rev = list(range(b.dim()))[::-1]
    storage = torch.cat([a.reshape(-1), b.permute(rev).contiguous().reshape(-1)])
    new_a = storage[:a.numel()].view(a.shape)
    new_b = storage[a.numel():].view([b.shape[d] for d in rev]).permute(rev)
    assert torch.equal(new_a, a) and torch.equal(new_b, b) and not new_b.is_contiguous()
    for fqn, t in ((small, new_a), (big, new_b)):
        owner = module.get_submodule(fqn.rsplit(".", 1)[0]) if "." in fqn else module
        setattr(owner, fqn.rsplit(".", 1)[-1], torch.nn.Parameter(t, requires_grad=True))
    return small, big


def build_program(model_name: str, ir: str, seed: int = 0, table_path: str = schemas.DEFAULT_TABLE,
                  shared_storage: bool = False):
    """Capture + rewrite + meta + names. Returns (program, module, inputs)."""
    module, inputs = zoo.get_builder(model_name)(seed)
    if shared_storage:
        share_storage(module)
    prog = capture.CAPTURE[ir](module, inputs)
    rewrite.rewrite(prog, schemas.load(table_path))
    graph_ir.eliminate_dead_code(prog)
    # Placeholders of lifted state describe the tensors themselves (strides, storage
    # offset): aten_eval.run_program keeps their layout.
    propagate_meta(prog)
    graph_ir.assign_names(prog)
    return prog, module, inputs


def module_outputs(module, inputs):
    with torch.no_grad():
        out = module(*[t.clone() for t in inputs])
    return list(out) if isinstance(out, (tuple, list)) else [out]


def check_program(prog, expected, rtol=1e-4, atol=1e-5) -> None:
    """The rewritten graph, run with 1.13 kernels, must reproduce the module."""
    got = aten_eval.run_program(prog, prog.example_inputs, grad=False)
    if len(got) != len(expected):
        raise RuntimeError("graph has %d outputs, module %d" % (len(got), len(expected)))
    for i, (g, e) in enumerate(zip(got, expected)):
        ok, _, problem = compare(g, e, rtol, atol)
        if not ok:
            raise RuntimeError("rewritten graph differs from the module on output %d (%s)"
                               % (i, problem))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", required=True,
                   help="%s, or torchvision:<name> for any torchvision classification model"
                   % ", ".join(zoo.model_names()))
    p.add_argument("--ir", required=True, choices=["training", "core"])
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--layout", default="2.9", choices=list(pt2_writer.LAYOUTS),
                   help="archive layout: the torch version whose torch.export.save is mimicked")
    p.add_argument("--deflate", action="store_true",
                   help="compress every member (top-level and nested torch.save) with deflate")
    p.add_argument("--zip64", action="store_true",
                   help="ZIP64 records on every member (top-level and nested)")
    p.add_argument("--root", help="root folder of a 2.9/2.8 archive (default: the file stem)")
    p.add_argument("--share-storage", action="store_true",
                   help="two parameters share one storage (offset, non-contiguous strides)")
    p.add_argument("--schemas", default=schemas.DEFAULT_TABLE, help="operator schema table")
    p.add_argument("--print-graph", action="store_true", help="print the exported graph")
    args = p.parse_args(argv)
    if not zoo.is_model(args.model):
        p.error("unknown model %r (choose from %s, or torchvision:<name> with <name> one of "
                "%s)" % (args.model, ", ".join(zoo.model_names()),
                         ", ".join(zoo.torchvision_models())))

    torch.manual_seed(args.seed)
    try:
        prog, module, inputs = build_program(args.model, args.ir, args.seed, args.schemas,
                                             shared_storage=args.share_storage)
    except rewrite.RewriteError as e:
        print("export.py: %s" % e, file=sys.stderr)
        return 1
    except ValueError as e:  # --share-storage on a model without a 2-D parameter
        if not args.share_storage:
            raise
        print("export.py: %s: %s" % (args.model, e), file=sys.stderr)
        return 1
    if args.ir == "core":
        non_core = sorted({n.key for n in prog.nodes if "core" not in n.schema.tags})
        if non_core:
            print("export.py: warning: non-core operators in the core IR: %s"
                  % ", ".join(non_core), file=sys.stderr)
    expected = module_outputs(module, inputs)
    check_program(prog, expected)
    if args.print_graph:
        print(graph_ir.format_program(prog))

    os.makedirs(args.out, exist_ok=True)
    opts = pt2_writer.WriteOptions(root=args.root, deflate=args.deflate, zip64=args.zip64)
    try:
        pt2_writer.write_pt2(os.path.join(args.out, "model.pt2"), prog, args.layout, opts)
    except ValueError as e:
        print("export.py: %s" % e, file=sys.stderr)
        return 2
    for k, t in enumerate(inputs):
        np.save(os.path.join(args.out, "input_%d.npy" % k), to_numpy(t))
    for k, t in enumerate(expected):
        np.save(os.path.join(args.out, "expected_%d.npy" % k), to_numpy(t))
    write_dtypes_json(args.out, inputs, expected)
    return 0


if __name__ == "__main__":
    sys.exit(main())
