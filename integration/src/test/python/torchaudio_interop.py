#!/usr/bin/env python3
"""The real client side of pretext's export/import tests: torchaudio 0.13's wav2vec2_model, Debian's
python3-torch and python3-torchaudio (no safetensors package: the format is read and written here by hand).

  check-export DIR            load DIR's wav2vec2_model.{json,safetensors} into torchaudio (strict), run it on
                              reference.safetensors' audio (or wav2vec2_encoder.*, torchaudio's encoder alone,
                              on its features), print per-layer max |pretext - torchaudio| / max |torchaudio|
  make-random DIR [options]   a torchaudio model with random weights: DIR/model.safetensors + model.json, the audio
                              as audio.wav (16-bit), and its hidden states on that audio in reference.safetensors;
                              --fairseq also writes the same weights as a fairseq-style model.pt (torch.save, with
                              fairseq's names and an argparse Namespace), --hf-bin as transformers' pytorch_model.bin
                              + config.json; --omegaconf stores the fairseq configuration as fairseq 0.10+ does
  compare A B                 per-layer relative differences of two reference files' hidden states

Hidden state 0 is the input to the first Transformer layer, i (1..L) the output of layer i; for a pre-LN model
(encoder_layer_norm_first) the last one includes the encoder's final LayerNorm, as pretext's does.
"""
import argparse
import json
import struct
import sys
import wave

import torch
import torchaudio

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    base = 8 + n
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        raw = bytearray(data[base + begin:base + end])
        t = torch.frombuffer(raw, dtype=DTYPES[entry["dtype"]]) if raw else torch.empty(0, dtype=DTYPES[entry["dtype"]])
        out[name] = t.reshape(entry["shape"]).float()
    return out


def write_safetensors(path, tensors, metadata=None):
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    offset = 0
    blobs = []
    for name, t in tensors.items():
        b = t.detach().contiguous().float().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def hidden_states(model, audio, layer_norm_first):
    """[h0, h1, ..., hL] of torchaudio's model on a [1, N] waveform, each [T, D]."""
    model.eval()
    with torch.inference_mode():
        feats, _ = model.feature_extractor(audio, None)
        projected = model.encoder.feature_projection(feats)
        h0 = model.encoder.transformer._preprocess(projected)
        layers, _ = model.extract_features(audio)
        layers = list(layers)
        if layer_norm_first:
            layers[-1] = model.encoder.transformer.layer_norm(layers[-1])
        final, _ = model(audio)
        # forward() gives the last hidden state too: extract_features + the final norm agree with it
        assert torch.allclose(final, layers[-1], rtol=0, atol=1e-6), "forward() and extract_features() disagree"
    return [h0[0]] + [h[0] for h in layers]


def rel(a, b):
    return float((a - b).abs().max() / b.abs().max().clamp_min(1e-30))


def encoder_hidden_states(encoder, features, layer_norm_first):
    """[h0, h1, ..., hL] of torchaudio's wav2vec 2.0 encoder alone on [1, T, F] features, each [T, D]."""
    encoder.eval()
    with torch.inference_mode():
        h0 = encoder.transformer._preprocess(encoder.feature_projection(features))
        layers = list(encoder.extract_features(features))
        if layer_norm_first:
            layers[-1] = encoder.transformer.layer_norm(layers[-1])
        final = encoder(features)
        assert torch.allclose(final, layers[-1], rtol=0, atol=1e-6), "forward() and extract_features() disagree"
    return [h0[0]] + [h[0] for h in layers]


def check_export(directory):
    import os
    ref = read_safetensors(f"{directory}/reference.safetensors")
    if os.path.exists(f"{directory}/wav2vec2_encoder.json"):
        # a features network: torchaudio's encoder alone, on the features pretext's reference holds
        with open(f"{directory}/wav2vec2_encoder.json") as f:
            args = json.load(f)
        model = torchaudio.models.wav2vec2.components._get_encoder(**args)
        weights = read_safetensors(f"{directory}/wav2vec2_encoder.safetensors")
        model.load_state_dict(weights, strict=True)
        ours = encoder_hidden_states(model, ref["features"][None], args["layer_norm_first"])
    else:
        with open(f"{directory}/wav2vec2_model.json") as f:
            args = json.load(f)
        model = torchaudio.models.wav2vec2_model(**args)
        weights = read_safetensors(f"{directory}/wav2vec2_model.safetensors")
        model.load_state_dict(weights, strict=True)
        ours = hidden_states(model, ref["audio"].reshape(1, -1), args["encoder_layer_norm_first"])
    theirs = [ref[f"hidden.{i}"] for i in range(len(ours))]
    result = {"layers": [], "frames": int(ours[0].shape[0]), "tensors": len(weights)}
    for i, (t, p) in enumerate(zip(ours, theirs)):
        if t.shape != p.shape:
            result["layers"].append({"layer": i, "error": f"shape torchaudio {list(t.shape)} pretext {list(p.shape)}"})
        else:
            result["layers"].append({"layer": i, "max_rel": rel(p, t), "max_abs": float((p - t).abs().max())})
    print(json.dumps(result))


def randomise(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("weight_g"):
                p.copy_(1.0 + 0.5 * torch.rand(p.shape, generator=g))
            elif "norm" in name and name.endswith("weight"):
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=g))
            else:
                fan_in = p[0].numel() if p.dim() > 1 else p.numel()
                p.copy_(torch.randn(p.shape, generator=g) / fan_in ** 0.5)


FAIRSEQ = [  # torchaudio prefix -> fairseq prefix, first match wins (checked names in docs/INTEROP.md)
    ("encoder.feature_projection.layer_norm.", "layer_norm."),
    ("encoder.feature_projection.projection.", "post_extract_proj."),
    ("encoder.transformer.pos_conv_embed.conv.", "encoder.pos_conv.0."),
    ("encoder.transformer.layer_norm.", "encoder.layer_norm."),
]


def fairseq_name(name, mode):
    for a, b in FAIRSEQ:
        if name.startswith(a):
            return b + name[len(a):]
    parts = name.split(".")
    if name.startswith("feature_extractor.conv_layers."):
        i, kind, leaf = parts[2], parts[3], parts[4]
        if kind == "conv":
            return f"feature_extractor.conv_layers.{i}.0.{leaf}"
        return f"feature_extractor.conv_layers.{i}.2.{leaf}" if mode == "group_norm" else \
            f"feature_extractor.conv_layers.{i}.2.1.{leaf}"
    if name.startswith("encoder.transformer.layers."):
        i = parts[3]
        rest = ".".join(parts[4:])
        rest = rest.replace("attention.", "self_attn.").replace("feed_forward.intermediate_dense.", "fc1.") \
            .replace("feed_forward.output_dense.", "fc2.")
        if rest.startswith("layer_norm."):
            rest = "self_attn_layer_norm." + rest[len("layer_norm."):]
        return f"encoder.layers.{i}.{rest}"
    raise ValueError(name)


def hf_name(name):
    if name.startswith("encoder.feature_projection."):
        return name[len("encoder."):]
    if name.startswith("encoder.transformer."):
        return "encoder." + name[len("encoder.transformer."):]
    return name


def make_random(directory, a):
    args = dict(extractor_mode=a.mode,
                extractor_conv_layer_config=[[a.channels, 10, 5]] + [[a.channels, 3, 2]] * 4 + [[a.channels, 2, 2]] * 2,
                extractor_conv_bias=a.conv_bias, encoder_embed_dim=a.dim, encoder_projection_dropout=0.0,
                encoder_pos_conv_kernel=a.pos_kernel, encoder_pos_conv_groups=a.pos_groups,
                encoder_num_layers=a.layers, encoder_num_heads=a.heads, encoder_attention_dropout=0.0,
                encoder_ff_interm_features=a.ffn, encoder_ff_interm_dropout=0.0, encoder_dropout=0.0,
                encoder_layer_norm_first=a.norm == "pre", encoder_layer_drop=0.0, aux_num_out=None)
    torch.manual_seed(a.seed)
    model = torchaudio.models.wav2vec2_model(**args)
    randomise(model, a.seed)
    state = model.state_dict()
    write_safetensors(f"{directory}/model.safetensors", state, {"format": "pt"})
    with open(f"{directory}/model.json", "w") as f:
        json.dump(args, f, indent=1)
    # audio: whole 320-sample frames plus the 80 samples wav2vec 2.0's receptive field reaches past the last,
    frames = a.frames
    n = frames * 320 + 80
    g = torch.Generator().manual_seed(a.seed + 1)
    t = torch.arange(n) / 16000.0
    wave_ = 0.3 * torch.sin(2 * torch.pi * (150 + 400 * t) * t) + 0.05 * torch.randn(n, generator=g)
    wave_[-80:] = 0  # pretext reads whole frames and appends 80 zeros: the tail is silence on both sides
    pcm = (wave_ * 32768).round().clamp(-32768, 32767).to(torch.int16)
    with wave.open(f"{directory}/audio.wav", "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(pcm.numpy().tobytes())
    audio = (pcm.float() / 32768).reshape(1, -1)
    hidden = hidden_states(model, audio, args["encoder_layer_norm_first"])
    ref = {"audio": audio[0]}
    ref.update({f"hidden.{i}": h for i, h in enumerate(hidden)})
    write_safetensors(f"{directory}/reference.safetensors", ref)
    if a.fairseq:
        sd = {fairseq_name(k, a.mode): v.clone() for k, v in state.items()}
        sd["mask_emb"] = torch.zeros(a.dim).uniform_()
        sd["final_proj.weight"] = torch.randn(16, a.dim)
        if a.omegaconf:
            # fairseq 0.10+: the configuration is an omegaconf DictConfig under "cfg" (Debian's python3-omegaconf)
            from omegaconf import OmegaConf
            cfg = OmegaConf.create({"common": {"seed": 1, "fp16": False},
                                    "model": {"_name": "hubert", "encoder_layers": a.layers,
                                              "encoder_embed_dim": a.dim, "encoder_attention_heads": a.heads,
                                              "layer_norm_first": a.norm == "pre", "conv_pos": a.pos_kernel,
                                              "extractor_mode": "default" if a.mode == "group_norm" else "layer_norm"},
                                    "task": {"_name": "hubert_pretraining", "labels": ["km"]}})
            torch.save({"cfg": cfg, "model": sd, "optimizer_history": [{"num_updates": 0}]}, f"{directory}/model.pt")
        else:
            ns = argparse.Namespace(encoder_attention_heads=a.heads, layer_norm_first=a.norm == "pre",
                                    encoder_layers=a.layers, encoder_embed_dim=a.dim, arch="wav2vec2")
            torch.save({"args": ns, "model": sd, "optimizer_history": [{"num_updates": 0}]}, f"{directory}/model.pt")
    if a.hf_bin:
        sd = {"wav2vec2." + hf_name(k): v.clone() for k, v in state.items()}
        sd["wav2vec2.masked_spec_embed"] = torch.zeros(a.dim).uniform_()
        sd["quantizer.codevectors"] = torch.randn(1, 8, 4)
        torch.save(sd, f"{directory}/pytorch_model.bin")
        cfg = {"model_type": "wav2vec2", "architectures": ["Wav2Vec2ForPreTraining"], "hidden_size": a.dim,
               "num_hidden_layers": a.layers, "num_attention_heads": a.heads, "intermediate_size": a.ffn,
               "hidden_act": "gelu", "feat_extract_norm": "group" if a.mode == "group_norm" else "layer",
               "feat_extract_activation": "gelu", "conv_dim": [a.channels] * 7, "conv_kernel": [10, 3, 3, 3, 3, 2, 2],
               "conv_stride": [5, 2, 2, 2, 2, 2, 2], "conv_bias": a.conv_bias,
               "num_conv_pos_embeddings": a.pos_kernel, "num_conv_pos_embedding_groups": a.pos_groups,
               "do_stable_layer_norm": a.norm == "pre"}
        with open(f"{directory}/config.json", "w") as f:
            json.dump(cfg, f, indent=1)
    print(json.dumps({"parameters": sum(p.numel() for p in model.parameters()), "frames": len(hidden[0])}))


def compare(a, b):
    ra, rb = read_safetensors(a), read_safetensors(b)
    layers = sorted(int(k.split(".")[1]) for k in rb if k.startswith("hidden."))
    out = {"audio_max_abs": float((ra["audio"] - rb["audio"]).abs().max()) if ra["audio"].shape == rb["audio"].shape
           else None, "layers": []}
    for i in layers:
        x, y = ra[f"hidden.{i}"], rb[f"hidden.{i}"]
        out["layers"].append({"layer": i, "max_rel": rel(x, y)} if x.shape == y.shape
                             else {"layer": i, "error": f"shapes {list(x.shape)} {list(y.shape)}"})
    print(json.dumps(out))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check-export")
    c.add_argument("dir")
    m = sub.add_parser("make-random")
    m.add_argument("dir")
    m.add_argument("--mode", default="group_norm", choices=["group_norm", "layer_norm"])
    m.add_argument("--conv-bias", action="store_true")
    m.add_argument("--norm", default="post", choices=["pre", "post"])
    m.add_argument("--channels", type=int, default=32)
    m.add_argument("--dim", type=int, default=48)
    m.add_argument("--layers", type=int, default=3)
    m.add_argument("--heads", type=int, default=4)
    m.add_argument("--ffn", type=int, default=96)
    m.add_argument("--pos-kernel", type=int, default=16)
    m.add_argument("--pos-groups", type=int, default=4)
    m.add_argument("--frames", type=int, default=60)
    m.add_argument("--seed", type=int, default=11)
    m.add_argument("--fairseq", action="store_true")
    m.add_argument("--omegaconf", action="store_true", help="the fairseq .pt's configuration as omegaconf, under cfg")
    m.add_argument("--hf-bin", action="store_true")
    k = sub.add_parser("compare")
    k.add_argument("a")
    k.add_argument("b")
    a = p.parse_args()
    torch.set_num_threads(1)
    if a.cmd == "check-export":
        check_export(a.dir)
    elif a.cmd == "make-random":
        make_random(a.dir, a)
    else:
        compare(a.a, a.b)


if __name__ == "__main__":
    sys.exit(main())
