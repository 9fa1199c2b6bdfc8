#!/usr/bin/env python3
"""Writes the PyTorch profiler's FLOP counts for a few Transformer shapes to a JSON fixture.

Run once (and again only if the peer model or the shapes change):
  /usr/bin/python3 bench/peer/make_flops_fixtures.py \
      plugins/architectures/transformer/src/test/resources/flops/profiler.json

The Java test compares TransformerEncoder.flops(...) with these counts; the profiler is the independent
counter. On stderr this prints the same comparison done from the Java formulas as transcribed below (a
hand check for the report, not used by the test).
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import transformer  # noqa: E402  (the peer model next to this file)

# name, layers, dim, heads, ffn (the presets of TransformerConfig plus the quickstart's encoder)
SHAPES = [
    ("tiny", 4, 128, 4, 256),
    ("quickstart", 6, 192, 4, 384),
    ("slim", 12, 384, 8, 768),
    ("small", 3, 768, 12, 3072),
]
FEATURES = 80
BATCH = 4
FRAMES = (100, 333)

WHAT_IS_COUNTED = {
    "aten::addmm": "every Linear (input projection, fused qkv, attention output, ffn_in, ffn_out): 2*M*N*K; "
                   "the bias add inside addmm is NOT counted",
    "aten::bmm": "attention scores q@k^T and weights@values: 2*B*H*T*T*dh each",
    "aten::add": "positions add (B*T*D), key-bias add to the scores (B*H*T*T), two residual adds per layer "
                 "(B*T*D each): one FLOP per element of the first operand",
    "aten::mul": "key-bias construction (B*T), query scaling (B*T*D per layer), padding mask on each of the "
                 "layers+1 hidden states (B*T*D): one FLOP per element",
    "not counted": "LayerNorm, softmax, GELU, the (valid - 1) subtraction, bias adds inside addmm, reshapes",
}


def java_formula(layers, dim, heads, ffn, features, batch, frames):
    """TransformerEncoder.flops(...) transcribed by hand: the matmul parts and the full total."""
    n = batch * frames
    d, f = dim, ffn
    scores = batch * heads * frames * frames
    dh = dim // heads
    matmul = 2 * n * features * d + layers * (2 * n * d * 3 * d + 2 * n * d * d + 2 * n * d * f + 2 * n * f * d
                                              + 2 * 2 * scores * dh)
    total = (2 * n * features * d + n * d + n * d
             + layers * (2 * n * d * 3 * d + 3 * n * d + n * d)
             + layers * 2 * scores * dh * 2
             + layers * (2 * n * d * d + n * d)
             + layers * (2 * n * d * f + n * f + 2 * n * f * d + n * d)
             + layers * 8 * n * f
             + (2 * layers + 1) * 7 * n * d
             + layers * 6 * scores
             + layers * 2 * n * d + (layers + 1) * n * d)
    # The elementwise work the profiler also counts (aten::add, aten::mul), in the formula's terms: positions,
    # query scaling, residual adds, padding masks, and the key-bias add that the formula keeps in softmax.
    counted_elementwise = n * d + layers * n * d + 2 * layers * n * d + (layers + 1) * n * d + layers * scores
    return matmul, total, matmul + counted_elementwise


def main():
    out_path = sys.argv[1] if len(sys.argv) > 1 else "profiler.json"
    torch.set_num_threads(1)
    entries = []
    for name, layers, dim, heads, ffn in SHAPES:
        for frames in FRAMES:
            counted = transformer.profile_flops(layers, dim, heads, ffn, FEATURES, BATCH, frames)
            del counted["ops_without_flops"]
            entry = {"name": name}
            entry.update(counted)
            entries.append(entry)
            java_matmul, java_total, java_like = java_formula(layers, dim, heads, ffn, FEATURES, BATCH, frames)
            print(f"{name:10s} T={frames:3d}  profiler matmul {counted['matmul_flops']:.6e}  java matmul "
                  f"{java_matmul:.6e}  diff {100 * (java_matmul / counted['matmul_flops'] - 1):+.4f}%   "
                  f"profiler total {counted['total_flops']:.6e}  java total {java_total:.6e}  "
                  f"(java/profiler {java_total / counted['total_flops']:.4f}; like-for-like "
                  f"{java_like / counted['total_flops']:.6f})", file=sys.stderr)
    fixture = {
        "generator": "bench/peer/make_flops_fixtures.py (peer model bench/peer/transformer.py)",
        "counter": "torch.profiler.profile(with_flops=True), one forward pass, no_grad, CPU",
        "torch": torch.__version__,
        "matmul_ops": list(transformer.MATMUL_OPS),
        "what_is_counted": WHAT_IS_COUNTED,
        "shapes": entries,
    }
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    with open(out_path, "w") as fh:
        json.dump(fixture, fh, indent=2)
        fh.write("\n")
    print(f"wrote {out_path} ({len(entries)} shapes)", file=sys.stderr)


if __name__ == "__main__":
    main()
