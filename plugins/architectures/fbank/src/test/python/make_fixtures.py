#!/usr/bin/python3
"""Reference log-mel filterbanks for FbankFrontendTest, computed with torchaudio.compliance.kaldi.fbank.

Run with Debian's Python (torch 1.13 + torchaudio 0.13.1):
    apt-get install -y python3-torchaudio libopenblas0-openmp espeak-ng
    /usr/bin/python3 plugins/architectures/fbank/src/test/python/make_fixtures.py

Writes into src/test/resources/fbank/:
  <clip>.wav        16 kHz, 16-bit mono inputs
  <case>.f32        reference features: b"FBK1", int32 frames, int32 dim, frames*dim float32 (all little-endian)
  cases.tsv         case, wav, bins, frame_ms, shift_ms, frames

The reference is computed in float64 (torchaudio follows the input's dtype). In float32, torch's own rounding
noise sits about 1e-7 below the loudest FFT bin: on the pure chirp, bands 60+ dB below the tone (low bands
after pre-emphasis) then differ from the exact value by up to 1.3 log units, which would test torch's rounding
rather than the algorithm. The script prints the float32-vs-float64 gap per case for the record.

Samples are fed on Kaldi's int16 scale (what compute-fbank-feats sees when it reads the WAV), which is the scale
the Java frontend uses: it multiplies the [-1, 1] floats by 32768. Dither 0, everything else torchaudio's defaults
(povey window, pre-emphasis 0.97, DC removal, power spectrum, low_freq 20, high_freq Nyquist, snip_edges).
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
OUT = os.path.normpath(os.path.join(HERE, "..", "resources", "fbank"))


def write_wav(path, samples_int16):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(samples_int16.astype("<i2").tobytes())


def read_wav(path):
    with wave.open(path, "rb") as w:
        assert w.getframerate() == RATE and w.getnchannels() == 1 and w.getsampwidth() == 2
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")


def to_int16(x):
    return np.clip(np.round(np.asarray(x, dtype=np.float64) * 32768.0), -32768, 32767).astype(np.int16)


def speech():
    """About two seconds of espeak-ng speech, resampled from 22.05 kHz to 16 kHz."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "speech.wav")
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "175", "-w", raw,
                        "The quick brown fox jumps over it."], check=True)
        with wave.open(raw, "rb") as w:
            rate = w.getframerate()
            pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    wav = torch.from_numpy(pcm.astype(np.float32) / 32768.0).unsqueeze(0)
    resampled = torchaudio.functional.resample(wav, rate, RATE)[0].numpy()
    return to_int16(resampled)


def chirp(seconds=1.0, f0=100.0, f1=7900.0, amplitude=0.5):
    t = np.arange(int(seconds * RATE)) / RATE
    k = (f1 - f0) / seconds
    return to_int16(amplitude * np.sin(2 * math.pi * (f0 * t + 0.5 * k * t * t)))


def reference(samples_int16, bins, frame_ms, shift_ms):
    window = int(RATE * frame_ms * 0.001)
    if len(samples_int16) < window:
        # torchaudio asserts here; Kaldi (snip_edges=true) emits no frame for a clip shorter than one window.
        return np.zeros((0, bins), dtype=np.float32), np.zeros(1)
    feats = {}
    for dtype in (np.float32, np.float64):
        wav = torch.from_numpy(samples_int16.astype(dtype)).unsqueeze(0)
        feats[dtype] = kaldi.fbank(wav, num_mel_bins=bins, frame_length=frame_ms, frame_shift=shift_ms,
                                   dither=0.0, sample_frequency=RATE).numpy()
    gap = np.abs(feats[np.float32] - feats[np.float64])
    return feats[np.float64].astype(np.float32), gap


def write_features(path, feats):
    with open(path, "wb") as f:
        f.write(b"FBK1")
        f.write(struct.pack("<ii", feats.shape[0], feats.shape[1]))
        f.write(feats.astype("<f4").tobytes())


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    speech_pcm = speech()
    # A clip of exactly 7 frames (400 + 6 * 160 samples) and one a sample short of a frame, both cut from the
    # loudest stretch of the speech so that they hold voiced sound rather than silence.
    energy = np.convolve(speech_pcm.astype(np.float64) ** 2, np.ones(1360), mode="valid")
    start = int(np.argmax(energy))
    clips = {
        "speech": speech_pcm,
        "chirp": chirp(),
        "seven_frames": speech_pcm[start:start + 400 + 6 * 160],
        "under_one_frame": speech_pcm[start:start + 399],
    }
    for name, pcm in clips.items():
        write_wav(os.path.join(OUT, name + ".wav"), pcm)

    cases = [
        ("speech", "speech", 80, 25.0, 10.0),
        ("chirp", "chirp", 80, 25.0, 10.0),
        ("seven_frames", "seven_frames", 80, 25.0, 10.0),
        ("under_one_frame", "under_one_frame", 80, 25.0, 10.0),
        # Other geometry: 40 bins, 20 ms window (320 samples, FFT 512), 8 ms shift.
        ("speech_40_20_8", "speech", 40, 20.0, 8.0),
        # A 32 ms window is already a power of two (512 samples): no zero padding before the FFT.
        ("chirp_64_32_10", "chirp", 64, 32.0, 10.0),
    ]
    with open(os.path.join(OUT, "cases.tsv"), "w") as tsv:
        tsv.write("case\twav\tbins\tframe_ms\tshift_ms\tframes\n")
        for case, clip, bins, frame_ms, shift_ms in cases:
            pcm = read_wav(os.path.join(OUT, clip + ".wav"))
            feats, gap = reference(pcm, bins, frame_ms, shift_ms)
            write_features(os.path.join(OUT, case + ".f32"), feats)
            tsv.write(f"{case}\t{clip}.wav\t{bins}\t{frame_ms}\t{shift_ms}\t{feats.shape[0]}\n")
            print(f"{case}: {len(pcm)} samples -> {feats.shape[0]} x {feats.shape[1]}, "
                  f"range [{feats.min() if feats.size else 0:.3f}, {feats.max() if feats.size else 0:.3f}], "
                  f"torch float32 vs float64 max |diff| {gap.max():.2e}")
    print("torch", torch.__version__, "torchaudio", torchaudio.__version__)


if __name__ == "__main__":
    main()
