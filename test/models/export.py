#!/usr/bin/env python3
"""Export a zoo model as a torch >= 2.9 `.pt2` archive with inputs and reference outputs.

    /usr/bin/python3 test/models/export.py --model NAME --ir training|core --out DIR [--seed N]

writes
    DIR/model.pt2        torch.export.save archive (FORMATS.md §1.2-1.4)
    DIR/input_K.npy      float32 inputs, seeded random normal, one per forward() argument
    DIR/expected_K.npy   outputs of the PyTorch module itself (eval, no_grad), one per output

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


def propagate_meta(prog: graph_ir.Program) -> None:
    """Fill Value.meta by running the graph with autograd on, as export traces."""
    _, env = aten_eval.run_program(prog, prog.example_inputs, grad=True)

    def meta_of(t: torch.Tensor) -> graph_ir.TensorMeta:
        return graph_ir.TensorMeta(t.dtype, tuple(t.shape), tuple(t.stride()),
                                   t.storage_offset(), bool(t.requires_grad), str(t.device))

    for spec in prog.input_specs:
        t = env[id(spec.value)]
        meta = meta_of(t)
        if spec.kind != "parameter":
            meta.requires_grad = False
        spec.value.meta = meta
    for node in prog.nodes:
        for v in node.output_values():
            v.meta = meta_of(env[id(v)])


def build_program(model_name: str, ir: str, seed: int = 0, table_path: str = schemas.DEFAULT_TABLE):
    """Capture + rewrite + meta + names. Returns (program, module, inputs)."""
    module, inputs = zoo.MODELS[model_name](seed)
    prog = capture.CAPTURE[ir](module, inputs)
    rewrite.rewrite(prog, schemas.load(table_path))
    graph_ir.eliminate_dead_code(prog)
    propagate_meta(prog)
    graph_ir.assign_names(prog)
    return prog, module, inputs


def module_outputs(module, inputs):
    with torch.no_grad():
        out = module(*[t.clone() for t in inputs])
    return list(out) if isinstance(out, (tuple, list)) else [out]


def check_program(prog, expected, rtol=1e-4, atol=1e-5) -> None:
    """The rewritten graph, run with 1.13 kernels, must reproduce the module."""
    got, _ = aten_eval.run_program(prog, prog.example_inputs, grad=False)
    if len(got) != len(expected):
        raise RuntimeError("graph has %d outputs, module %d" % (len(got), len(expected)))
    for i, (g, e) in enumerate(zip(got, expected)):
        if not np.allclose(g.detach().numpy(), e.numpy(), rtol=rtol, atol=atol):
            err = (g.detach() - e).abs().max().item()
            raise RuntimeError("rewritten graph differs from the module on output %d "
                               "(max abs error %g)" % (i, err))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", required=True, choices=sorted(zoo.MODELS))
    p.add_argument("--ir", required=True, choices=["training", "core"])
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--layout", default="2.9", choices=sorted(pt2_writer.LAYOUTS),
                   help="archive layout (torch version of torch.export.save)")
    p.add_argument("--schemas", default=schemas.DEFAULT_TABLE, help="operator schema table")
    p.add_argument("--print-graph", action="store_true", help="print the exported graph")
    args = p.parse_args(argv)

    torch.manual_seed(args.seed)
    try:
        prog, module, inputs = build_program(args.model, args.ir, args.seed, args.schemas)
    except rewrite.RewriteError as e:
        print("export.py: %s" % e, file=sys.stderr)
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
    pt2_writer.write_pt2(os.path.join(args.out, "model.pt2"), prog, args.layout)
    for k, t in enumerate(inputs):
        np.save(os.path.join(args.out, "input_%d.npy" % k), t.numpy().astype(np.float32))
    for k, t in enumerate(expected):
        np.save(os.path.join(args.out, "expected_%d.npy" % k), t.numpy())
    return 0


if __name__ == "__main__":
    sys.exit(main())
