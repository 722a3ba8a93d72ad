#!/usr/bin/env python3
"""Export a zoo model as a torch.export `.pt2` archive with inputs and reference outputs.

    /usr/bin/python3 test/models/export.py --model NAME --ir training|core --out DIR [--seed N]
        [--layout 2.9|2.8|legacy|legacy-2.2] [--deflate] [--zip64] [--root NAME]
        [--share-storage] [--quantize int8|int8-per-tensor|int8-dynamic|uint8]

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

`--quantize MODE` writes the PT2E quantized graph instead (FORMATS.md §6): what
`prepare_pt2e` -> calibration -> `convert_pt2e` -> `torch.export` produce with ExecuTorch's
XNNPACKQuantizer and `get_symmetric_quantization_config(is_per_channel=..., is_dynamic=...)`
(quantize.py emulates each step on the captured training-IR graph; `--ir core` then traces
that graph again into core ATen, keeping the quantized_decomposed operators whole):

    int8             static: activations int8 per tensor [-128, 127] (HistogramObserver),
                     weights int8 symmetric per output channel [-127, 127]
                     (dequantize_per_channel of an int8 buffer `_frozen_paramN`, scales
                     `_scale_N` float32, zero points `_zero_point_N` int64 zeros: persistent
                     buffers), bias float32; batch norm folded into the convolutions
    int8-per-tensor  the same with weights symmetric per tensor (dequantize_per_tensor with a
                     literal scale and zero point 0 on the int8 buffer)
    int8-dynamic     linear layers only: choose_qparams.tensor(x, -128, 127, 2**-12, int8)
                     -> quantize_per_tensor.tensor -> dequantize_per_tensor.tensor, weights
                     per channel as in int8; outputs stay float
    uint8            int8 with uint8 activations (torch.ao's default and the
                     X86InductorQuantizer's): quint8 observers over [0, 255], quantize /
                     dequantize_per_tensor with dtype 1 = uint8; weights as in int8

Static activations get quantize_per_tensor + dequantize_per_tensor with literal float scale
and int zero point (`as_float` / `as_int`, dtype `as_scalar_type` 2 = int8) after every
annotated pattern (conv/linear[+relu], add[+relu], mul[+relu], cat, adaptive_avg_pool2d;
relu, hardtanh, max_pool2d, mean, view, permute, flatten, ... share their input's
parameters); the graph input is quantized and dequantized first; operators the quantizer
does not annotate (hardswish, sigmoid, avg_pool2d, pad, ...) run in float between a
dequantize and the next quantize. Calibration: the example input plus 8 inputs from a
generator seeded 1000 + seed (float inputs standard normal, input K times the module's
`input_scales[K]` where it has that attribute: the qi_* models of quant_op_models.py whose
two inputs have different ranges). A quantized export writes

    DIR/model.pt2                the Q/DQ graph
    DIR/input_K.npy              the example inputs (as without --quantize)
    DIR/expected_K.npy           outputs of the Q/DQ graph itself (aten_eval on torch 1.13,
                                 quantized_decomposed ops implemented in aten_eval.COMPAT):
                                 what reference.py computes from model.pt2, exactly
    DIR/float_expected_K.npy     outputs of the float module
    DIR/dtypes.json              as without --quantize (also the dtypes of quant_inputs/)
    DIR/quantization.json        mode, IR, calibration and test-input seeds (and the
                                 model's input_scales if it has them), quantizer
                                 statistics, operator counts, Q/DQ-vs-float distance per
                                 output over the 9 inputs (max and mean |error|, max
                                 |float|, arg-max agreement for [batch, classes] outputs)
    DIR/quant_inputs/input_S_K.npy, expected_S_K.npy, float_expected_S_K.npy
                                 S = 0..7: 8 more inputs (generator seeded 2000 + seed,
                                 shaped, typed and scaled like the example input, not used for
                                 calibration), the Q/DQ graph's and the float module's
                                 outputs on them

and prints, per output, how far the Q/DQ graph is from the float model.

Both paths then: drop dead nodes, run the rewritten graph with torch 1.13's kernels
(aten_eval) to get every value's dtype/shape/strides/requires_grad, name nodes and values
as FX and torch.export do, check that the rewritten graph reproduces the module's output,
and serialize (pt2_json, pt2_writer). Operator names and argument layouts are torch
>= 2.9's, taken from compiler/import/schemas/aten.schemas.
"""

import argparse
import json
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
import quantize  # noqa: E402
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
    p.add_argument("--quantize", choices=list(quantize.MODES),
                   help="write the PT2E quantized graph (XNNPACKQuantizer, FORMATS.md §6): int8 "
                   "(weights per channel), int8-per-tensor, int8-dynamic (linear layers), uint8 "
                   "(uint8 activations)")
    p.add_argument("--schemas", default=schemas.DEFAULT_TABLE, help="operator schema table")
    p.add_argument("--print-graph", action="store_true", help="print the exported graph")
    args = p.parse_args(argv)
    if not zoo.is_model(args.model):
        p.error("unknown model %r (choose from %s, or torchvision:<name> with <name> one of "
                "%s)" % (args.model, ", ".join(zoo.model_names()),
                         ", ".join(zoo.torchvision_models())))

    torch.manual_seed(args.seed)
    if args.quantize:
        if args.share_storage:
            p.error("--share-storage and --quantize exclude each other (batch-norm folding "
                    "and the int8 constants replace the shared parameters)")
        return export_quantized(args)
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
        warn_non_core(prog)
    expected = module_outputs(module, inputs)
    check_program(prog, expected)
    if args.print_graph:
        print(graph_ir.format_program(prog))

    try:
        write_archive(args, prog)
    except WriteFailed as e:
        print("export.py: %s" % e, file=sys.stderr)
        return 2
    for k, t in enumerate(inputs):
        np.save(os.path.join(args.out, "input_%d.npy" % k), to_numpy(t))
    for k, t in enumerate(expected):
        np.save(os.path.join(args.out, "expected_%d.npy" % k), to_numpy(t))
    write_dtypes_json(args.out, inputs, expected)
    return 0


def warn_non_core(prog) -> None:
    # quantized_decomposed operators are not core-tagged, and run_decompositions keeps them.
    non_core = sorted({n.key for n in prog.nodes if "core" not in n.schema.tags
                       and n.schema.namespace != "quantized_decomposed"})
    if non_core:
        print("export.py: warning: non-core operators in the core IR: %s"
              % ", ".join(non_core), file=sys.stderr)


class WriteFailed(Exception):
    pass


def write_archive(args, prog) -> None:
    os.makedirs(args.out, exist_ok=True)
    opts = pt2_writer.WriteOptions(root=args.root, deflate=args.deflate, zip64=args.zip64)
    try:
        pt2_writer.write_pt2(os.path.join(args.out, "model.pt2"), prog, args.layout, opts)
    except ValueError as e:
        raise WriteFailed(str(e)) from None


# ----------------------------------------------------------------------------------------
# --quantize


N_QUANT_INPUTS = 8  # DIR/quant_inputs/input_S_K.npy, S = 0..7
N_CALIBRATION = 8  # seeded inputs besides the example input


def like_inputs(inputs, gen: torch.Generator, scales=None):
    """Random inputs shaped and typed like `inputs`: floats standard normal (times
    scales[K] for input K when the model gives scales), integers uniform over [min, max] of
    the example input (token ids stay valid), bools random."""
    out = []
    for k, t in enumerate(inputs):
        if t.dtype == torch.bool:
            out.append(torch.rand(t.shape, generator=gen) < 0.5)
        elif t.is_floating_point():
            x = torch.randn(t.shape, generator=gen, dtype=torch.float32)
            if scales is not None:
                x = x * scales[k]
            out.append(x.to(t.dtype))
        else:
            lo, hi = int(t.min()), int(t.max())
            out.append(torch.randint(lo, hi + 1, t.shape, generator=gen).to(t.dtype))
    return tuple(out)


def input_scales(module):
    """The module's per-input factors (quant_op_models.INPUT_SCALES_ATTR), or None."""
    import quant_op_models

    return getattr(module, quant_op_models.INPUT_SCALES_ATTR, None)


def calibration_inputs(inputs, seed: int, scales=None):
    """The example input, then N_CALIBRATION inputs from a generator seeded 1000 + seed."""
    gen = torch.Generator().manual_seed(1000 + seed)
    return [tuple(inputs)] + [like_inputs(inputs, gen, scales) for _ in range(N_CALIBRATION)]


def quant_test_inputs(inputs, seed: int, scales=None):
    """N_QUANT_INPUTS inputs from a generator seeded 2000 + seed (not used to calibrate)."""
    gen = torch.Generator().manual_seed(2000 + seed)
    return [like_inputs(inputs, gen, scales) for _ in range(N_QUANT_INPUTS)]


def _distance(q_outs, f_outs):
    """Per output: max |q - f|, max |f|, and, for [batch, classes] outputs, whether the
    arg-max of every row agrees."""
    out = []
    for q, f in zip(q_outs, f_outs):
        q64, f64 = q.detach().to(torch.float64), f.detach().to(torch.float64)
        row = {"max_abs_error": float((q64 - f64).abs().max()) if f.numel() else 0.0,
               "mean_abs_error": float((q64 - f64).abs().mean()) if f.numel() else 0.0,
               "max_abs_float": float(f64.abs().max()) if f.numel() else 0.0}
        if f.dim() == 2 and f.shape[-1] > 1:
            row["argmax_equal"] = bool(torch.equal(q64.argmax(-1), f64.argmax(-1)))
        out.append(row)
    return out


def export_quantized(args) -> int:
    table = schemas.load(args.schemas)
    try:
        prog, module, inputs = build_program(args.model, "training", args.seed, args.schemas)
    except rewrite.RewriteError as e:
        print("export.py: %s" % e, file=sys.stderr)
        return 1
    float_expected = module_outputs(module, inputs)
    check_program(prog, float_expected)
    try:
        result = quantize.quantize(prog, args.quantize,
                                   calibration_inputs(inputs, args.seed, input_scales(module)),
                                   table)
        qprog = result.program
        if args.ir == "core":
            qprog = quantize.to_core(qprog, table)
            rewrite.rewrite(qprog, table)
            graph_ir.eliminate_dead_code(qprog)
    except (quantize.QuantizeError, rewrite.RewriteError) as e:
        print("export.py: %s --quantize %s: %s" % (args.model, args.quantize, e), file=sys.stderr)
        return 1
    propagate_meta(qprog)
    graph_ir.assign_names(qprog)
    if args.ir == "core":
        warn_non_core(qprog)
        # The core graph must compute what the training graph computes, bit for bit.
        train_out = aten_eval.run_program(result.program, inputs)
        try:
            check_program(qprog, train_out, rtol=0, atol=0)
        except RuntimeError as e:
            print("export.py: %s --quantize %s: the core IR graph does not reproduce the "
                  "training IR graph exactly: %s" % (args.model, args.quantize, e),
                  file=sys.stderr)
            return 1
    if args.print_graph:
        print(graph_ir.format_program(qprog))

    def qdq(x):
        return aten_eval.run_program(qprog, x)

    expected = qdq(inputs)
    tests = quant_test_inputs(inputs, args.seed, input_scales(module))
    test_expected = [qdq(x) for x in tests]
    test_float = [module_outputs(module, x) for x in tests]
    try:
        write_archive(args, qprog)
    except WriteFailed as e:
        print("export.py: %s" % e, file=sys.stderr)
        return 2

    def save(name, t):
        np.save(os.path.join(args.out, name), to_numpy(t))

    for k, t in enumerate(inputs):
        save("input_%d.npy" % k, t)
    for k, t in enumerate(expected):
        save("expected_%d.npy" % k, t)
        save("float_expected_%d.npy" % k, float_expected[k])
    qdir = os.path.join(args.out, "quant_inputs")
    os.makedirs(qdir, exist_ok=True)
    for s, (x, e, f) in enumerate(zip(tests, test_expected, test_float)):
        for k, t in enumerate(x):
            save(os.path.join("quant_inputs", "input_%d_%d.npy" % (s, k)), t)
        for k, t in enumerate(e):
            save(os.path.join("quant_inputs", "expected_%d_%d.npy" % (s, k)), t)
            save(os.path.join("quant_inputs", "float_expected_%d_%d.npy" % (s, k)), f[k])
    write_dtypes_json(args.out, inputs, expected)

    # How far the Q/DQ graph is from the float model, on the example and the test inputs.
    rows = [_distance(expected, float_expected)] + \
        [_distance(e, f) for e, f in zip(test_expected, test_float)]
    summary = []
    for k in range(len(expected)):
        per = [r[k] for r in rows]
        entry = {"max_abs_error": max(p["max_abs_error"] for p in per),
                 "mean_abs_error": sum(p["mean_abs_error"] for p in per) / len(per),
                 "max_abs_float": max(p["max_abs_float"] for p in per)}
        if "argmax_equal" in per[0]:
            entry["argmax_agree"] = sum(p["argmax_equal"] for p in per)
            entry["inputs"] = len(per)
        summary.append(entry)
    info = {"mode": args.quantize, "ir": args.ir, "model": args.model, "seed": args.seed,
            "calibration": {"inputs": 1 + N_CALIBRATION, "generator_seed": 1000 + args.seed},
            "quant_inputs": {"inputs": N_QUANT_INPUTS, "generator_seed": 2000 + args.seed},
            "stats": result.stats, "ops": quantize.op_counts(qprog), "float_vs_qdq": summary}
    if input_scales(module) is not None:
        info["input_scales"] = list(input_scales(module))  # inputs: standard normal times these
    with open(os.path.join(args.out, "quantization.json"), "w") as f:
        json.dump(info, f, indent=1, sort_keys=True)
        f.write("\n")
    for k, e in enumerate(summary):
        line = ("export.py: %s %s output %d: Q/DQ vs float max |error| %.4g, mean |error| %.4g "
                "(max |float| %.4g)" % (args.model, args.quantize, k, e["max_abs_error"],
                                        e["mean_abs_error"], e["max_abs_float"]))
        if "argmax_agree" in e:
            line += ", arg-max agrees on %d/%d inputs" % (e["argmax_agree"], e["inputs"])
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
