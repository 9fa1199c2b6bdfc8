#!/usr/bin/python3
"""Reference MFCC features for MfccTest, computed the way fairseq's HuBERT iteration 1 does.

Run with Debian's Python (torch 1.13 + torchaudio 0.13.1):
    apt-get install -y python3-torchaudio libopenblas0-openmp espeak-ng
    /usr/bin/python3 plugins/objectives/hubert/src/test/python/make_fixtures.py

fairseq (examples/hubert/simple_kmeans) reads the audio as floats in [-1, 1], calls
torchaudio.compliance.kaldi.mfcc(waveform, sample_frequency=16000, use_energy=False) with every other setting at
its default (23 mel bins, 13 cepstra, lifter 22, dither 0, povey window, pre-emphasis 0.97, DC removal, snip_edges),
then appends torchaudio.functional.compute_deltas of the cepstra and of the deltas (window 5, edges replicated).
This script does the same in float64, so the fixture tests the algorithm rather than torch's float32 rounding.

Writes into src/test/resources/mfcc/:
  <clip>.wav   16 kHz, 16-bit mono inputs (the Java test reads them and divides by 32768, as soundfile does)
  <clip>.f32   b"MFC1", int32 frames, int32 dim (39), frames*dim float32 (all little-endian)
"""
import math
import os
import struct
import subprocess
import tempfile
import wave

import numpy as np
import torch
import torchaudio
from torchaudio.compliance import kaldi

RATE = 16000
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "resources", "mfcc"))


def write_wav(path, pcm):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.astype("<i2").tobytes())


def to_int16(x):
    return np.clip(np.round(np.asarray(x, dtype=np.float64) * 32768.0), -32768, 32767).astype(np.int16)


def speech():
    """About two seconds of espeak-ng speech at 16 kHz, with 0.2 s of digital silence before it."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "speech.wav")
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "170", "-w", raw,
                        "Masked prediction of hidden units."], check=True)
        with wave.open(raw, "rb") as w:
            rate = w.getframerate()
            pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    wav = torch.from_numpy(pcm.astype(np.float32) / 32768.0).unsqueeze(0)
    resampled = torchaudio.functional.resample(wav, rate, RATE)[0].numpy()
    return np.concatenate([np.zeros(3200, dtype=np.int16), to_int16(resampled)])


def chirp(seconds=0.75, f0=100.0, f1=7900.0, amplitude=0.5):
    t = np.arange(int(seconds * RATE)) / RATE
    k = (f1 - f0) / seconds
    return to_int16(amplitude * np.sin(2 * math.pi * (f0 * t + 0.5 * k * t * t)))


def reference(pcm):
    x = torch.from_numpy(pcm.astype(np.float64) / 32768.0).view(1, -1)
    mfccs = kaldi.mfcc(waveform=x, sample_frequency=RATE, use_energy=False).transpose(0, 1)
    deltas = torchaudio.functional.compute_deltas(mfccs)
    ddeltas = torchaudio.functional.compute_deltas(deltas)
    return torch.cat([mfccs, deltas, ddeltas], dim=0).transpose(0, 1).contiguous().numpy()


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    clips = {"speech": speech(), "chirp": chirp()}
    for name, pcm in clips.items():
        write_wav(os.path.join(OUT, name + ".wav"), pcm)
        feats = reference(pcm)
        with open(os.path.join(OUT, name + ".f32"), "wb") as f:
            f.write(b"MFC1")
            f.write(struct.pack("<ii", feats.shape[0], feats.shape[1]))
            f.write(feats.astype("<f4").tobytes())
        print(f"{name}: {len(pcm)} samples -> {feats.shape[0]} x {feats.shape[1]}, "
              f"c0 range [{feats[:, 0].min():.2f}, {feats[:, 0].max():.2f}]")
    print("torch", torch.__version__, "torchaudio", torchaudio.__version__)


if __name__ == "__main__":
    main()
