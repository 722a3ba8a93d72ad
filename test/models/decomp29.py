#!/usr/bin/env python3
"""Torch >= 2.9 behaviour that torch 1.13's tracers do not show by themselves.

capture.py records graphs with torch 1.13. Where torch 2.9 would record different operators
for the same module, the Python-level functions are replaced while a graph is captured, so
that 1.13's tracer sees the calls 2.9 makes (rewrite.py then renames operators and argument
layouts; this file changes which operators are called). Used as context managers:

* `composite_attention()` (both IRs): torch.export traces nn.TransformerEncoderLayer and
  nn.MultiheadAttention with grad enabled and parameters that require grad, so their fused
  inference kernels (`_transformer_encoder_layer_fwd`, `_native_multi_head_attention`) are
  not taken; the composite path runs instead. jit.trace (training IR) takes it on its own;
  make_fx + functionalize (core IR) hides requires_grad from the fast-path check, so the
  check is made to fail through its "autocast is enabled" clause (torch.is_autocast_enabled
  reads True while capturing; no kernel is affected: nothing enables autocast in C++).
  The composite path is torch 1.13's F.multi_head_attention_forward (bmm, softmax, baddbmm
  with a mask), not torch 2.x's scaled_dot_product_attention: emulated as 1.13 has it.

* `rnn_decompositions()` (core IR): `ep.run_decompositions()` decomposes `aten.gru.input`
  and `aten.lstm.input` with the Python decompositions of torch/_decomp/decompositions.py
  (gru_impl, lstm_impl, _rnn_helper, one_layer_rnn, gru_cell, one_layer_lstm, lstm_cell),
  not with the C++ kernels 1.13's make_fx records (unsafe_split, stack, per-step addmm of
  both gates). `torch._VF.gru` / `torch._VF.lstm` are replaced by functions that make the
  same calls: F.linear (1.13 and 2.9 lower a contiguous 3-D linear the same way: view,
  t, addmm, view), Tensor.chunk, sigmoid, tanh, arithmetic, cat; iterating over a tensor
  is `unbind`, which the core table decomposes (torch/_refs unbind: tensor_split into
  size-1 slices, then squeeze each), and `torch.stack` is torch/_refs' stack (cat, then a
  view, or unsqueeze + cat when stacking on a new last dimension).
  torch 2.9 on a CPU build with MKLDNN would instead lower LSTM inference (input not
  requiring grad) to `aten.mkldnn_rnn_layer` (select_one_layer_lstm_function); that
  operator is not a portable ATen op and not in aten.schemas, so the generic path
  (one_layer_lstm) is emulated, as on builds without MKLDNN.
"""

import contextlib
from typing import List

import torch
import torch.nn.functional as F


@contextlib.contextmanager
def _patched(obj, name, value):
    original = getattr(obj, name)
    setattr(obj, name, value)
    try:
        yield
    finally:
        setattr(obj, name, original)


@contextlib.contextmanager
def composite_attention():
    with _patched(torch, "is_autocast_enabled", lambda: True):
        yield


# ----------------------------------------------------------------------------------------
# torch >= 2.9's recurrent decompositions, as calls on torch 1.13


def unbind(t: torch.Tensor, dim: int = 0) -> List[torch.Tensor]:
    """torch/_refs unbind: tensor_split into size-1 slices (aten.slice.Tensor each, all of
    them first), then each squeezed (aten.squeeze.dim, which core turns into squeeze.dims)."""
    dim = dim % t.dim()
    pieces = [torch.ops.aten.slice.Tensor(t, dim, i, i + 1) for i in range(t.shape[dim])]
    return [torch.squeeze(p, dim) for p in pieces]


def stack(tensors: List[torch.Tensor], dim: int = 0) -> torch.Tensor:
    """torch/_refs stack: cat along an existing dimension and view, or unsqueeze + cat."""
    ndim = tensors[0].dim()
    dim = dim % (ndim + 1)
    if dim < ndim:
        sizes = list(tensors[0].shape)
        sizes.insert(dim, len(tensors))
        return torch.cat(tensors, dim).view(sizes)
    return torch.cat([t.unsqueeze(dim) for t in tensors], dim)


def _group_params(params, has_biases: bool, has_projections: bool):
    size = (4 if has_biases else 2) + (1 if has_projections else 0)
    if len(params) % size:
        raise ValueError("%d RNN parameters do not form groups of %d" % (len(params), size))
    return [tuple(params[i:i + size]) for i in range(0, len(params), size)]


def _layer_state(params, hiddens, i: int, bidirectional: bool):
    if bidirectional:
        return params[2 * i], hiddens[2 * i], params[2 * i + 1], hiddens[2 * i + 1]
    return params[i], hiddens[i], None, None


def _rnn_layers(input, hidden, params, has_biases, num_layers, dropout, train, bidirectional,
                batch_first, layer_fn):
    input = input.transpose(0, 1) if batch_first else input
    finals = []
    for i in range(num_layers):
        fwd_params, fwd_hidden, bwd_params, bwd_hidden = _layer_state(params, hidden, i,
                                                                      bidirectional)
        fwd_out, fwd_final = layer_fn(input, fwd_hidden, fwd_params, has_biases)
        finals.append(fwd_final)
        if bidirectional:
            bwd_out, bwd_final = layer_fn(input, bwd_hidden, bwd_params, has_biases,
                                          reverse=True)
            finals.append(bwd_final)
            input = torch.cat([fwd_out, bwd_out], fwd_out.dim() - 1)
        else:
            input = fwd_out
        if dropout != 0 and train and i < num_layers - 1:
            input = torch.dropout(input, dropout, train=True)
    input = input.transpose(0, 1) if batch_first else input
    return input, finals


def _gru_cell(inp, hidden, ih_weight, ih_bias, hh_weight, hh_bias):
    i_r, i_z, i_n = inp.chunk(3, 1)
    h_r, h_z, h_n = F.linear(hidden, hh_weight, hh_bias).chunk(3, 2)
    reset = (h_r + i_r).sigmoid()
    update = (h_z + i_z).sigmoid()
    new = (i_n + (h_n * reset)).tanh()
    return (hidden - new) * update + new


def _one_layer_gru(inp, hidden, params, has_biases, reverse=False):
    ih_weight, hh_weight = params[0], params[1]
    ih_bias = params[2] if has_biases else None
    hh_bias = params[3] if has_biases else None
    projected = F.linear(inp, ih_weight, ih_bias)
    projected = projected.flip(0) if reverse else projected
    hidden = hidden.unsqueeze(0)
    steps = []
    for x in unbind(projected, 0):
        hidden = _gru_cell(x, hidden, ih_weight, ih_bias, hh_weight, hh_bias)
        steps.append(hidden)
    if reverse:
        steps.reverse()
    return torch.cat(steps, 0), hidden.squeeze(0)


def gru(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
    """aten::gru.input as torch >= 2.9 decomposes it (gru_impl)."""
    groups = _group_params(params, has_biases, False)
    out, finals = _rnn_layers(input, unbind(hx, 0), groups, has_biases, num_layers, dropout,
                              train, bidirectional, batch_first, _one_layer_gru)
    return out, stack(finals, 0)


def _lstm_cell(inp, hx, cx, hh_weight, hh_bias, hr_weight, chunk_dim):
    gates = F.linear(hx, hh_weight, hh_bias) + inp
    g_i, g_f, g_c, g_o = gates.chunk(4, chunk_dim)
    in_gate = g_i.sigmoid()
    forget_gate = g_f.sigmoid()
    cell_gate = g_c.tanh()
    out_gate = g_o.sigmoid()
    cy = forget_gate * cx + (in_gate * cell_gate)
    hy = out_gate * cy.tanh()
    hy = hy if hr_weight is None else F.linear(hy, hr_weight, None)
    return hy, cy


def _one_layer_lstm(inp, hidden, params, has_biases, reverse=False):
    ih_weight, hh_weight = params[0], params[1]
    ih_bias = params[2] if has_biases else None
    hh_bias = params[3] if has_biases else None
    hr_weight = params[4] if len(params) == 5 else params[2] if len(params) == 3 else None
    hx = hidden[0].unsqueeze(0)
    cx = hidden[1].unsqueeze(0)
    projected = F.linear(inp, ih_weight, ih_bias)
    projected = projected.flip(0) if reverse else projected
    steps = []
    for x in unbind(projected, 0):
        hx, cx = _lstm_cell(x, hx, cx, hh_weight, hh_bias, hr_weight, chunk_dim=2)
        steps.append(hx)
    if reverse:
        steps.reverse()
    return torch.cat(steps, 0), (hx.squeeze(1), cx.squeeze(1))


def lstm(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
    """aten::lstm.input as torch >= 2.9 decomposes it without MKLDNN (lstm_impl)."""
    if len(hx) != 2:
        raise ValueError("lstm expects two hidden states")
    groups = _group_params(params, has_biases, hx[0].size(2) != hx[1].size(2))
    hidden = list(zip(unbind(hx[0], 0), unbind(hx[1], 0)))
    out, finals = _rnn_layers(input, hidden, groups, has_biases, num_layers, dropout, train,
                              bidirectional, batch_first, _one_layer_lstm)
    h_finals, c_finals = list(zip(*finals))
    return out, stack(list(h_finals), 0), stack(list(c_finals), 0)


@contextlib.contextmanager
def rnn_decompositions():
    with _patched(torch._VF, "gru", gru), _patched(torch._VF, "lstm", lstm):
        yield
