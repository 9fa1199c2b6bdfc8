#!/usr/bin/env python3
"""torchaudio's HuBERT pre-training model as the peer of pretext's hubert objective, for `bench/run peer`.

Needs Debian's PyTorch and torchaudio (1.13 / 0.13):
  apt-get update && apt-get install -y python3-torch python3-torchaudio libopenblas0-openmp
(./run-tests installs them too). Run it with /usr/bin/python3, the interpreter those packages belong to.

Two frontends, each matched to a pretext recipe (docs/BENCHMARKS.md lists what is matched and what is not):
  cnn    torchaudio.models.hubert_pretrain_model with its own convolutional feature extractor (wav2vec 2.0's seven
         convolutions, 512 channels, group norm after the first, no conv bias) on raw 16 kHz audio
         <-> pretext `frontend: {type: waveform-cnn}` (channels 512, norm group)
  fbank  the same HuBERTPretrainModel class, built from torchaudio's own components, with the convolutional
         extractor replaced by a pass-through of [batch, frames, 80] log-mel features (100 Hz): torchaudio's
         feature projection (LayerNorm(80) + Linear(80 -> dim)) takes them
         <-> pretext `frontend: {type: fbank, bins: 80}` with `encoder: {projection_norm: true}`
Both: post-LN Transformer (layer_norm_first False), convolutional positions (kernel 128, 16 groups), no dropout, no
layer drop; masks of `--mask-length` frames starting at a share `--mask-prob` of frames (overlapping, torchaudio's
"static" selection); final projection to `--final-dim`; cosine logits / 0.1 against one embedding per class;
cross-entropy on masked frames only (the logits of unmasked frames are computed too, as pretext computes every
frame's). AdamW as pretext's (betas 0.9 / 0.98, eps 1e-6, weight decay on matrices only).

Prints one JSON object: step seconds (median, parts), minor page faults per timed step, peak RSS, and with --peak
the best 2048^3 fp32 matmul rate of this process.
"""
import argparse
import json
import resource
import statistics
import sys
import time

import torch
import torch.nn.functional as F

from transformer import blas_libraries, matmul_peak, peak_rss_bytes

try:
    import torchaudio
    from torchaudio.models import hubert_pretrain_model
    from torchaudio.models.wav2vec2 import components
    from torchaudio.models.wav2vec2.model import HuBERTPretrainModel, Wav2Vec2Model
except ImportError as e:  # say how to get it, not just that it is missing
    sys.exit("bench/peer/hubert.py needs torchaudio (" + str(e) + "): apt-get update && apt-get install -y "
             "python3-torch python3-torchaudio libopenblas0-openmp, then run it with /usr/bin/python3")

SAMPLE_RATE = 16000
FBANK_RATE = 100


class Features(torch.nn.Module):
    """Stands where the convolutional extractor stands: hands precomputed features through unchanged."""

    def forward(self, x, lengths):
        return x, lengths


def build(args):
    torch.manual_seed(args.seed)
    common = dict(encoder_embed_dim=args.dim, encoder_projection_dropout=0.0, encoder_pos_conv_kernel=128,
                  encoder_pos_conv_groups=16, encoder_num_layers=args.layers, encoder_num_heads=args.heads,
                  encoder_attention_dropout=0.0, encoder_ff_interm_features=args.ffn, encoder_ff_interm_dropout=0.0,
                  encoder_dropout=0.0, encoder_layer_norm_first=False, encoder_layer_drop=0.0)
    masking = dict(mask_prob=args.mask_prob, mask_selection="static", mask_other=0.0, mask_length=args.mask_length,
                   no_mask_overlap=False, mask_min_space=1, mask_channel_prob=0.0, mask_channel_selection="static",
                   mask_channel_other=0.0, mask_channel_length=10, no_mask_channel_overlap=False,
                   mask_channel_min_space=1)
    if args.frontend == "cnn":
        conv = [(args.channels, 10, 5)] + [(args.channels, 3, 2)] * 4 + [(args.channels, 2, 2)] * 2
        return hubert_pretrain_model(extractor_mode="group_norm", extractor_conv_layer_config=conv,
                                     extractor_conv_bias=False, **common, **masking, skip_masked=False,
                                     skip_nomask=False, num_classes=args.classes, final_dim=args.final_dim,
                                     feature_grad_mult=None)
    encoder = components._get_encoder(
        in_features=args.features, embed_dim=args.dim, dropout_input=0.0, pos_conv_kernel=128, pos_conv_groups=16,
        num_layers=args.layers, num_heads=args.heads, attention_dropout=0.0, ff_interm_features=args.ffn,
        ff_interm_dropout=0.0, dropout=0.0, layer_norm_first=False, layer_drop=0.0)
    mask_generator = components.MaskGenerator(args.dim, **masking)
    logit_generator = components.LogitGenerator(args.dim, args.classes, args.final_dim, False, False)
    return HuBERTPretrainModel(Wav2Vec2Model(Features(), encoder), mask_generator, logit_generator, None)


def inputs(args):
    """A fixed batch: noise at speech-like scale (or log-mel-like features), random labels per output frame."""
    g = torch.Generator().manual_seed(args.seed + 1)
    if args.frontend == "cnn":
        samples = int(args.seconds * SAMPLE_RATE)
        x = 0.1 * torch.randn(args.batch, samples, generator=g)
        frames = samples
        for kernel, stride in [(10, 5)] + [(3, 2)] * 4 + [(2, 2)] * 2:
            frames = (frames - kernel) // stride + 1
    else:
        frames = int(round(args.seconds * FBANK_RATE))
        x = torch.randn(args.batch, frames, args.features, generator=g)
    labels = torch.randint(0, args.classes, (args.batch, frames), generator=g)
    return x, labels, frames


def cmd_train(args):
    torch.set_num_threads(args.threads)
    model = build(args).train()
    decay = [p for p in model.parameters() if p.dim() > 1]
    rest = [p for p in model.parameters() if p.dim() <= 1]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                                   {"params": rest, "weight_decay": 0.0}],
                                  lr=args.lr, betas=(0.9, 0.98), eps=1e-6)
    x, labels, frames = inputs(args)
    times, parts, losses, masked = [], [], [], []
    faults = cpu = 0
    for step in range(args.warmup + args.steps):
        if step == args.warmup:
            faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            cpu = time.process_time()
        t0 = time.perf_counter()
        logit_m, logit_u, _ = model(x, labels)
        # torchaudio puts the positive first in every row of logits (hubert_loss's target is 0)
        loss = F.cross_entropy(logit_m, torch.zeros(logit_m.shape[0], dtype=torch.long))
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        optimizer.step()
        optimizer.zero_grad(set_to_none=False)
        losses.append(loss.item())
        masked.append(logit_m.shape[0] / (args.batch * frames))
        t3 = time.perf_counter()
        if step >= args.warmup:
            times.append(t3 - t0)
            parts.append((t1 - t0, t2 - t1, t3 - t2))
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
    cpu = time.process_time() - cpu
    out = {
        "torch": torch.__version__,
        "torchaudio": torchaudio.__version__,
        "threads": torch.get_num_threads(),
        "frontend": args.frontend,
        "frames": frames,
        "parameters": sum(p.numel() for p in model.parameters()),
        "steps": args.steps,
        "median_seconds": statistics.median(times),
        "mean_seconds": statistics.fmean(times),
        "min_seconds": min(times),
        "part_medians": [statistics.median(p[i] for p in parts) for i in range(3)],
        "page_faults_per_step": faults / args.steps,
        # CPU seconds of this process per timed step, all threads (steadier than wall time on a shared machine)
        "cpu_seconds_per_step": cpu / args.steps,
        "peak_rss_bytes": peak_rss_bytes(),
        "step_seconds": [round(s, 4) for s in times],
        "loss_first_last": [losses[0], losses[-1]],
        "masked_share": statistics.fmean(masked),
        "blas_libraries": blas_libraries(),
    }
    if args.peak:
        out["matmul_peak_flops"] = matmul_peak()
    print(json.dumps(out, indent=2))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("train",))
    parser.add_argument("--frontend", choices=("cnn", "fbank"), required=True)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--dim", type=int, default=256)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--ffn", type=int, default=1024)
    parser.add_argument("--channels", type=int, default=512, help="conv extractor channels (cnn)")
    parser.add_argument("--features", type=int, default=80, help="log-mel bins (fbank)")
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--classes", type=int, default=100)
    parser.add_argument("--final-dim", type=int, default=256)
    parser.add_argument("--mask-prob", type=float, default=0.8)
    parser.add_argument("--mask-length", type=int, default=10, help="in output frames (20 at fbank's 100 Hz)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--weight-decay", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--peak", action="store_true", help="also measure the matmul peak with these threads")
    args = parser.parse_args(argv)
    cmd_train(args)


if __name__ == "__main__":
    sys.exit(main())
