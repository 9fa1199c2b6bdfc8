#!/usr/bin/env python3
"""Plain-PyTorch peer of pretext's Transformer encoder, for bench/ comparisons.

The model mirrors plugins/architectures/transformer (TransformerStack, TransformerLayer, SinusoidalPositions)
op for op, so that step times and FLOP counts compare like with like:
  input Linear(F -> D) + sinusoidal positions, times the valid mask;
  per layer: x + OutLinear(Attention(LN(x))) with one fused QKV Linear, queries scaled by 1/sqrt(dh),
             scores + additive key bias (0 real, -1e9 padded), softmax, weights @ values;
             then x + Linear(GELU_erf(Linear(LN(x))));
  final LayerNorm after the last layer; every hidden state multiplied by the valid mask.
LayerNorm eps 1e-5 (DJL's default), Glorot-uniform weights, zero biases, no dropout.

Subcommands:
  flops  forward pass under torch.profiler with_flops=True; JSON with the counted FLOPs per op name
  train  timed training steps (forward, MSE to a random target, backward, AdamW); JSON with step seconds
  peak   best n x n fp32 matmul rate, for reference
"""
import argparse
import json
import math
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PADDING_BIAS = -1e9  # as TransformerStack.PADDING_BIAS: exp underflows to exactly 0 in float32


def sinusoidal(frames, dim):
    # Same table as SinusoidalPositions: sin at even unit 2k, cos at odd 2k+1, angle t / 10000^(2k/D).
    t = torch.arange(frames, dtype=torch.float64).unsqueeze(1)
    pair = torch.arange(dim, dtype=torch.float64) // 2
    angle = t / torch.pow(10000.0, 2.0 * pair / dim)
    even = (torch.arange(dim) % 2 == 0)
    return torch.where(even, torch.sin(angle), torch.cos(angle)).float()


class Layer(nn.Module):
    def __init__(self, dim, heads, ffn):
        super().__init__()
        self.dim, self.heads = dim, heads
        self.attention_norm = nn.LayerNorm(dim, eps=1e-5)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.attention_output = nn.Linear(dim, dim)
        self.ffn_norm = nn.LayerNorm(dim, eps=1e-5)
        self.ffn_in = nn.Linear(dim, ffn)
        self.ffn_out = nn.Linear(ffn, dim)

    def forward(self, x, key_bias):
        b, t, _ = x.shape
        dh = self.dim // self.heads
        projected = self.qkv(self.attention_norm(x))
        # [B, T, 3D] -> [3, B, H, T, dh], as the Java layer's reshape + transpose(2, 0, 3, 1, 4)
        split = projected.reshape(b, t, 3, self.heads, dh).permute(2, 0, 3, 1, 4)
        queries = split[0] * (1.0 / math.sqrt(dh))
        keys, values = split[1], split[2]
        scores = torch.matmul(queries, keys.transpose(2, 3)) + key_bias
        weights = torch.softmax(scores, dim=3)
        context = torch.matmul(weights, values).transpose(1, 2).reshape(b, t, self.dim)
        x = x + self.attention_output(context)
        hidden = F.gelu(self.ffn_in(self.ffn_norm(x)))  # erf form, as libtorch's default gelu
        return x + self.ffn_out(hidden)


class Encoder(nn.Module):
    def __init__(self, layers, dim, heads, ffn, features):
        super().__init__()
        self.dim = dim
        self.input_projection = nn.Linear(features, dim)
        self.layers = nn.ModuleList(Layer(dim, heads, ffn) for _ in range(layers))
        self.final_norm = nn.LayerNorm(dim, eps=1e-5)
        self.positions = sinusoidal(1, dim)
        for name, p in self.named_parameters():
            if name.endswith("weight") and p.dim() > 1:
                nn.init.xavier_uniform_(p)  # DJL XavierInitializer(UNIFORM, AVG, 3) is the same range
            elif name.endswith("bias"):
                nn.init.zeros_(p)

    def forward(self, features, valid):
        """features [B, T, F], valid [B, T] float (1 real, 0 padded); returns layers + 1 hidden states."""
        b, t, _ = features.shape
        if self.positions.shape[0] < t:
            self.positions = sinusoidal(t, self.dim)
        valid_column = valid.reshape(b, t, 1)
        key_bias = ((valid - 1.0) * -PADDING_BIAS).reshape(b, 1, 1, t)
        x = (self.input_projection(features) + self.positions[:t]) * valid_column
        hidden = [x]
        for i, layer in enumerate(self.layers):
            x = layer(x, key_bias)
            if i == len(self.layers) - 1:
                x = self.final_norm(x)
            x = x * valid_column  # padded frames exactly 0, as in the Java stack
            hidden.append(x)
        return hidden


def lengths_for(batch, frames, padding):
    """Deterministic lengths with a mean padding share of about `padding` (the same rule as PeerBench)."""
    if batch == 1 or padding <= 0:
        return [frames] * batch
    return [frames - int(round(2 * padding * frames * i / (batch - 1))) for i in range(batch)]


def valid_mask(batch, frames, padding):
    lengths = torch.tensor(lengths_for(batch, frames, padding))
    return (torch.arange(frames).unsqueeze(0) < lengths.unsqueeze(1)).float()


def blas_libraries():
    """Which BLAS/LAPACK shared objects this process really loaded (BLAS_INFO only says 'generic')."""
    found = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                if any(k in path for k in ("blas", "lapack", "mkl", "gomp", "omp")):
                    found.add(path)
    except OSError:
        pass
    return sorted(found)


def peak_rss_bytes():
    """This process's own peak resident set (VmHWM). Not ru_maxrss: Linux carries the parent's peak across fork and
    exec into it, so a process started by a 3 GB JVM reports at least 3 GB."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def build(args):
    torch.manual_seed(args.seed)
    return Encoder(args.layers, args.dim, args.heads, args.ffn, args.features)


def profile_flops(layers, dim, heads, ffn, features, batch, frames, padding=0.0, seed=1):
    """One forward pass under the profiler; the FLOPs it counts, per op name."""
    torch.manual_seed(seed)
    model = Encoder(layers, dim, heads, ffn, features).eval()
    x = torch.randn(batch, frames, features)
    valid = valid_mask(batch, frames, padding)
    with torch.no_grad():
        model(x, valid)  # warm-up so lazily built tables are not profiled
        with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU], with_flops=True) as prof:
            model(x, valid)
    events = prof.key_averages()
    by_op = {e.key: {"calls": e.count, "flops": int(e.flops)} for e in events if e.flops}
    return {
        "shape": {"layers": layers, "dim": dim, "heads": heads, "ffn": ffn, "features": features,
                  "batch": batch, "frames": frames},
        "total_flops": sum(v["flops"] for v in by_op.values()),
        "matmul_flops": sum(v["flops"] for k, v in by_op.items() if k in MATMUL_OPS),
        "by_op": dict(sorted(by_op.items())),
        "ops_without_flops": sorted({e.key for e in events if not e.flops}),
    }


# The profiler's matrix-product ops (their count is 2 * M * N * K, bias not included).
MATMUL_OPS = ("aten::addmm", "aten::mm", "aten::bmm", "aten::baddbmm")


def cmd_flops(args):
    torch.set_num_threads(args.threads)
    out = {"torch": torch.__version__}
    out.update(profile_flops(args.layers, args.dim, args.heads, args.ffn, args.features, args.batch,
                             args.frames, args.padding, args.seed))
    print(json.dumps(out, indent=2))


def matmul_peak(n=2048, reps=8):
    a = torch.rand(n, n) * 2 - 1
    b = torch.rand(n, n) * 2 - 1
    best = 0.0
    for i in range(reps):
        t0 = time.perf_counter()
        torch.mm(a, b)
        s = time.perf_counter() - t0
        if i >= 2:
            best = max(best, 2.0 * n ** 3 / s)
    return best


def cmd_train(args):
    torch.set_num_threads(args.threads)
    model = build(args).train()
    # Decoupled weight decay on matrices only, as core's AdamW (it skips 1-D biases and norm gains).
    decay = [p for p in model.parameters() if p.dim() > 1]
    rest = [p for p in model.parameters() if p.dim() <= 1]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                                   {"params": rest, "weight_decay": 0.0}],
                                  lr=args.lr, betas=(0.9, 0.98), eps=1e-6)
    features = torch.randn(args.batch, args.frames, args.features)
    valid = valid_mask(args.batch, args.frames, args.padding)
    target = torch.randn(args.batch, args.frames, args.dim)
    times, losses, parts = [], [], []
    faults = cpu = 0
    for step in range(args.warmup + args.steps):
        if step == args.warmup:
            faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            cpu = time.process_time()
        t0 = time.perf_counter()
        last = model(features, valid)[-1]
        loss = F.mse_loss(last, target) if args.loss == "mse" else F.l1_loss(last, target)
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        optimizer.step()
        optimizer.zero_grad(set_to_none=False)  # core's AdamW zeroes gradients in place, too
        losses.append(loss.item())
        t3 = time.perf_counter()
        if step >= args.warmup:
            times.append(t3 - t0)
            parts.append((t1 - t0, t2 - t1, t3 - t2))
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
    cpu = time.process_time() - cpu
    out = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "interop_threads": torch.get_num_interop_threads(),
        "shape": {k: getattr(args, k) for k in ("layers", "dim", "heads", "ffn", "features", "batch", "frames")},
        "lengths": lengths_for(args.batch, args.frames, args.padding),
        "parameters": sum(p.numel() for p in model.parameters()),
        "steps": args.steps,
        "median_seconds": statistics.median(times),
        "mean_seconds": statistics.fmean(times),
        "min_seconds": min(times),
        # medians of forward (incl. loss), backward, optimizer step + zero_grad
        "part_medians": [statistics.median(p[i] for p in parts) for i in range(3)],
        # minor page faults per timed step: fresh memory the step touched (large tensors are mmapped afresh)
        "page_faults_per_step": faults / args.steps,
        # CPU seconds of this process per timed step, all threads (steadier than wall time on a shared machine)
        "cpu_seconds_per_step": cpu / args.steps,
        "peak_rss_bytes": peak_rss_bytes(),
        "step_seconds": [round(s, 4) for s in times],
        "loss_first_last": [losses[0], losses[-1]],
        "blas_libraries": blas_libraries(),
        "blas_info": next((p.strip() for p in torch.__config__.show().split(",") if "BLAS_INFO" in p), ""),
    }
    if args.peak:
        out["matmul_peak_flops"] = matmul_peak()
    print(json.dumps(out, indent=2))


def cmd_peak(args):
    torch.set_num_threads(args.threads)
    print(json.dumps({"threads": torch.get_num_threads(), "torch": torch.__version__,
                      "matmul_peak_flops": matmul_peak(args.n),
                      "blas_libraries": blas_libraries()}))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    def shape(p):
        p.add_argument("--layers", type=int, required=True)
        p.add_argument("--dim", type=int, required=True)
        p.add_argument("--heads", type=int, required=True)
        p.add_argument("--ffn", type=int, required=True)
        p.add_argument("--features", type=int, default=80)
        p.add_argument("--batch", type=int, required=True)
        p.add_argument("--frames", type=int, required=True)
        p.add_argument("--padding", type=float, default=0.0, help="mean padded share of frames (0 = none)")
        p.add_argument("--threads", type=int, default=1)
        p.add_argument("--seed", type=int, default=1)

    flops = sub.add_parser("flops", help="profiler FLOP count of one forward pass")
    shape(flops)
    flops.set_defaults(func=cmd_flops)
    train = sub.add_parser("train", help="time training steps")
    shape(train)
    train.add_argument("--steps", type=int, default=10)
    train.add_argument("--warmup", type=int, default=3)
    train.add_argument("--lr", type=float, default=1e-4)
    train.add_argument("--weight-decay", type=float, default=0.01)
    train.add_argument("--loss", choices=("mse", "l1"), default="mse")
    train.add_argument("--peak", action="store_true", help="also measure the matmul peak with these threads")
    train.set_defaults(func=cmd_train)
    peak = sub.add_parser("peak", help="matmul peak")
    peak.add_argument("--threads", type=int, default=1)
    peak.add_argument("--n", type=int, default=2048)
    peak.set_defaults(func=cmd_peak)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    sys.exit(main())
