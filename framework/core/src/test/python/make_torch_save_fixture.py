#!/usr/bin/env python3
"""Writes resources/interop/state.pt, the fixture of TorchPickleTest, with Debian's python3-torch (1.13):
torch.save of a dict holding an OrderedDict state dict (a float32 matrix, a transposed view sharing its storage,
a half tensor, a bfloat16 scalar, a slice with an offset), an argparse Namespace, an omegaconf DictConfig (Debian's
python3-omegaconf; its nodes refer back to their parents) and plain values. Expected
values are printed into the test, not read from here."""
import argparse
import collections
import torch

w = torch.arange(6, dtype=torch.float32).reshape(2, 3) / 4
sd = collections.OrderedDict()
sd["w"] = w
sd["wt"] = w.t()                                        # strides (1, 3) over the same storage
sd["half"] = torch.tensor([1.5, -2.25, 65504.0], dtype=torch.float16)
sd["bf16"] = torch.tensor(-0.5, dtype=torch.bfloat16)  # a 0-d tensor
sd["tail"] = torch.arange(10, dtype=torch.float32)[7:]  # storage offset 7
from omegaconf import OmegaConf
cfg = OmegaConf.create({"common": {"seed": 1}, "model": {"_name": "hubert", "encoder_attention_heads": 7,
                                                          "layer_norm_first": False}})
args = argparse.Namespace(encoder_attention_heads=5, layer_norm_first=True, arch="wav2vec2", dropout=0.1)
torch.save({"model": sd, "args": args, "cfg": cfg, "step": 123456789012, "name": "fixture", "none": None,
            "tuple": (1, 2.5, "x")}, "resources/interop/state.pt")
