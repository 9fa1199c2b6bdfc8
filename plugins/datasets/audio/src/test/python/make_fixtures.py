#!/usr/bin/python3
"""Fixtures for the FLAC decoder tests (FlacTest) and the LibriSpeech dataset tests. Run once; the outputs are
committed, so the tests need neither this script nor the tools it calls.

    apt-get install -y flac sox python3-numpy
    /usr/bin/python3 plugins/datasets/audio/src/test/python/make_fixtures.py

Source audio: the first utterances of the tts bundle's cached corpus (~/.cache/pretext/tts/*/wav, FreeTTS speech
at 16 kHz) when present, else a synthetic vowel-like signal (pulse train through formant resonators plus noise).

Writes into plugins/datasets/audio/src/test/resources/flac/:
  <case>.flac   encoded by the reference encoder `flac` (1.4.2 here) at several levels and block sizes, or by the
                small spec-following writer below (`crafted_*`) for what `flac` never emits: escape-coded
                partitions (flac stopped writing them), every stereo mode on purpose, 8/12/20-bit samples,
                variable block sizes, header-coded sample rates and block sizes, wasted bits, constant subframes
  <case>.pcm    what `flac -d --force-raw-format --endian=little --sign=signed` made of it: the reference
  cases.tsv     case, channels, bits, rate, samples
  mulaw.wav, adpcm.wav   sox-made WAVs in encodings the reader refuses (tiny)
and into plugins/datasets/librispeech/src/test/resources/LibriSpeech/: a tiny corpus in LibriSpeech's layout
(2 speakers x 2 chapters of train-clean-100 plus one dev-clean chapter; one transcript line left out on purpose).
"""
import glob
import hashlib
import os
import shutil
import struct
import subprocess
import tempfile
import wave

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "resources", "flac"))
LIBRI = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "librispeech", "src", "test", "resources",
                                      "LibriSpeech"))
RATE = 16000
RNG = np.random.default_rng(20240917)


# ------------------------------------------------------------------ source audio

def tts_corpus():
    folders = sorted(glob.glob(os.path.expanduser("~/.cache/pretext/tts/*/wav")))
    if not folders:
        return None
    clips = []
    for path in sorted(glob.glob(os.path.join(folders[0], "*.wav")))[:12]:
        with wave.open(path, "rb") as w:
            assert w.getframerate() == RATE and w.getnchannels() == 1 and w.getsampwidth() == 2
            clips.append(np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64) / 32768)
    return clips


def resonator(x, hz, bandwidth, rate):
    r = np.exp(-np.pi * bandwidth / rate)
    a1, a2 = 2 * r * np.cos(2 * np.pi * hz / rate), -r * r
    y = np.zeros_like(x)
    for i in range(len(x)):
        y[i] = x[i] + a1 * (y[i - 1] if i > 0 else 0) + a2 * (y[i - 2] if i > 1 else 0)
    return y


def vowels(seconds, rate):
    n = int(seconds * rate)
    f0 = 110 + 40 * np.sin(np.linspace(0, 3 * np.pi, n))
    phase = np.cumsum(f0 / rate)
    pulses = (np.diff(np.floor(phase), prepend=0) > 0).astype(np.float64)
    y = pulses + 0.02 * RNG.standard_normal(n)
    for hz, bw in ((700, 90), (1200, 110), (2600, 160)):
        y = resonator(y, hz, bw, rate)
    return 0.5 * y / np.max(np.abs(y))


def speech(seconds, offset=0):
    clips = tts_corpus()
    if clips is None:
        return vowels(seconds, RATE)
    x = np.concatenate(clips)
    start = int(offset * RATE) % max(1, len(x) - int(seconds * RATE))
    return x[start:start + int(seconds * RATE)]


def resample(x, rate):
    """Linear interpolation is enough here: the signal only needs to be speech-like at another rate."""
    t = np.arange(int(len(x) * rate / RATE)) * RATE / rate
    return np.interp(t, np.arange(len(x)), x)


def quantise(x, bits):
    if bits > 16:  # the source has 16 significant bits: fill the low ones, or every block has wasted bits
        x = x + 3e-6 * RNG.standard_normal(x.shape)
    top = 2 ** (bits - 1)
    return np.clip(np.round(x * top), -top, top - 1).astype(np.int64)


# ------------------------------------------------------------------ the reference tools

def raw_bytes(samples, bits):
    """Interleaved (frames x channels) signed little-endian integers in whole bytes."""
    width = (bits + 7) // 8
    out = bytearray()
    for v in samples.reshape(-1):
        out += int(v).to_bytes(width, "little", signed=True)
    return bytes(out)


def flac_encode(name, samples, bits, rate, options):
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "in.raw")
        with open(raw, "wb") as f:
            f.write(raw_bytes(samples, bits))
        subprocess.run(["flac", "-s", "-f", "--force-raw-format", "--endian=little", "--sign=signed",
                        "--channels=%d" % samples.shape[1], "--bps=%d" % bits, "--sample-rate=%d" % rate,
                        "--no-padding", *options, "-o", os.path.join(OUT, name + ".flac"), raw], check=True)


def flac_decode(name, bits):
    """The reference: flac -d's output, kept beside the .flac as raw PCM. flac writes raw output only for 8, 16
    and 24 bits; other depths it writes as WAV in the next whole-byte container, shifted to the top, so those
    are shifted back here."""
    pcm, flac = os.path.join(OUT, name + ".pcm"), os.path.join(OUT, name + ".flac")
    if bits % 8 == 0:
        subprocess.run(["flac", "-s", "-f", "-d", "--force-raw-format", "--endian=little", "--sign=signed",
                        "-o", pcm, flac], check=True)
        return
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.wav")
        subprocess.run(["flac", "-s", "-f", "-d", "-o", out, flac], check=True)
        data = open(out, "rb").read()
    width = (bits + 7) // 8
    body = data[data.find(b"data") + 8:]
    values = [int.from_bytes(body[i:i + width], "little", signed=True) >> (8 * width - bits)
              for i in range(0, len(body) - width + 1, width)]
    with open(pcm, "wb") as f:
        f.write(raw_bytes(np.array(values), bits))


# ------------------------------------------------------------------ a small FLAC writer, from RFC 9639

class Bits:
    def __init__(self):
        self.bits = []

    def put(self, value, n):
        for i in range(n - 1, -1, -1):
            self.bits.append((value >> i) & 1)

    def signed(self, value, n):
        self.put(value & ((1 << n) - 1), n)

    def unary(self, q):
        self.bits.extend([0] * q)
        self.bits.append(1)

    def align(self):
        while len(self.bits) % 8:
            self.bits.append(0)

    def bytes(self):
        assert len(self.bits) % 8 == 0
        return bytes(int("".join(map(str, self.bits[i:i + 8])), 2) for i in range(0, len(self.bits), 8))


def crc(data, polynomial, width):
    top, mask, r = 1 << (width - 1), (1 << width) - 1, 0
    for byte in data:
        r ^= byte << (width - 8)
        for _ in range(8):
            r = ((r << 1) ^ polynomial) if r & top else (r << 1)
            r &= mask
    return r


def coded_number(v):
    if v < 0x80:
        return bytes([v])
    for extra in range(1, 7):
        if v < 1 << (6 * extra + (6 - extra)):
            out = [0x80 | ((v >> (6 * i)) & 0x3F) for i in range(extra)][::-1]
            lead = (0xFF << (7 - extra)) & 0xFF | (v >> (6 * extra))
            return bytes([lead] + out)
    raise ValueError(v)


def residual(b, e, order, partition_order, method, parameters):
    """parameters: one per partition, an int (Rice) or ('escape', width)."""
    b.put(method, 2)
    b.put(partition_order, 4)
    n = len(e) + order
    size = n >> partition_order
    i = 0
    for p, param in enumerate(parameters):
        count = size - (order if p == 0 else 0)
        part = e[i:i + count]
        i += count
        if isinstance(param, tuple):
            width = param[1]
            if width is None:  # the narrowest two's complement width that holds the partition
                width = max([0] + [int(v).bit_length() + 1 for v in part])
            b.put((1 << (4 + method)) - 1, 4 + method)
            b.put(width, 5)
            for v in part:
                assert width > 0 or v == 0
                if width:
                    assert -(1 << (width - 1)) <= v < 1 << (width - 1)
                    b.signed(int(v), width)
        else:
            assert param < (1 << (4 + method)) - 1
            b.put(param, 4 + method)
            for v in part:
                u = 2 * int(v) if v >= 0 else -2 * int(v) - 1
                b.unary(u >> param)
                if param:
                    b.put(u & ((1 << param) - 1), param)
    assert i == len(e)


def subframe(b, s, bits, kind, wasted=0, order=0, partition_order=0, method=0, parameters=None, lpc=None):
    s = np.asarray(s, dtype=np.int64)
    if wasted:
        assert np.all(s % (1 << wasted) == 0)
        s = s >> wasted
    size = bits - wasted
    b.put(0, 1)
    if kind == "constant":
        assert np.all(s == s[0])
        b.put(0, 6)
    elif kind == "verbatim":
        b.put(1, 6)
    elif kind == "fixed":
        b.put(8 + order, 6)
    else:
        b.put(31 + len(lpc[0]), 6)
    if wasted:
        b.put(1, 1)
        b.unary(wasted - 1)
    else:
        b.put(0, 1)
    if kind == "constant":
        b.signed(int(s[0]), size)
        return
    if kind == "verbatim":
        for v in s:
            b.signed(int(v), size)
        return
    if kind == "fixed":
        weights = [[], [1], [2, -1], [3, -3, 1], [4, -6, 4, -1]][order]
        shift, coefficients = 0, weights
    else:
        coefficients, precision, shift = lpc
        order = len(coefficients)
    for v in s[:order]:
        b.signed(int(v), size)
    if kind == "lpc":
        b.put(precision - 1, 4)
        b.signed(shift, 5)
        for c in coefficients:
            b.signed(c, precision)
    e = [int(s[i]) - (sum(c * int(s[i - 1 - j]) for j, c in enumerate(coefficients)) >> shift)
         for i in range(order, len(s))]
    if parameters is None:
        mean = np.mean(np.abs(e)) + 1 if e else 1
        parameters = [min(14 if method == 0 else 30, max(0, int(np.log2(mean))))] * (1 << partition_order)
    residual(b, e, order, partition_order, method, parameters)


def lpc_fit(s, order, precision):
    """Least-squares predictor, quantised: any coefficients decode exactly; good ones just compress."""
    s = np.asarray(s, dtype=np.float64)
    rows = np.array([s[i - order:i][::-1] for i in range(order, len(s))])
    c, *_ = np.linalg.lstsq(rows, s[order:], rcond=None)
    shift = max(0, precision - 2 - int(np.ceil(np.log2(np.max(np.abs(c)) + 1e-9))))
    q = [int(np.clip(round(v * (1 << shift)), -(1 << (precision - 1)), (1 << (precision - 1)) - 1)) for v in c]
    return q, precision, shift


BLOCK_CODES = {192: 1, 576: 2, 1152: 3, 2304: 4, 4608: 5, 256: 8, 512: 9, 1024: 10, 2048: 11, 4096: 12}
RATE_CODES = {88200: 1, 176400: 2, 192000: 3, 8000: 4, 16000: 5, 22050: 6, 24000: 7, 32000: 8, 44100: 9,
              48000: 10, 96000: 11}
SIZE_CODES = {8: 1, 12: 2, 16: 4, 20: 5, 24: 6}


def frame(number, variable, rate, rate_in_header, bits, assignment, channels, plans):
    """channels: the decorrelated channel arrays; plans: subframe() keyword arguments per channel."""
    n = len(channels[0])
    h = bytearray([0xFF, 0xF9 if variable else 0xF8])
    if n in BLOCK_CODES:
        block_code, block_extra = BLOCK_CODES[n], b""
    elif n <= 256:
        block_code, block_extra = 6, bytes([n - 1])
    else:
        block_code, block_extra = 7, struct.pack(">H", n - 1)
    if not rate_in_header:
        rate_code, rate_extra = 0, b""
    elif rate in RATE_CODES:
        rate_code, rate_extra = RATE_CODES[rate], b""
    elif rate % 1000 == 0 and rate // 1000 < 256:
        rate_code, rate_extra = 12, bytes([rate // 1000])
    elif rate < 65536:
        rate_code, rate_extra = 13, struct.pack(">H", rate)
    else:
        rate_code, rate_extra = 14, struct.pack(">H", rate // 10)
    h.append(block_code << 4 | rate_code)
    h.append(assignment << 4 | SIZE_CODES[bits] << 1)
    h += coded_number(number) + block_extra + rate_extra
    h.append(crc(h, 0x07, 8))
    b = Bits()
    for c, (samples, plan) in enumerate(zip(channels, plans)):
        side = (assignment == 8 and c == 1) or (assignment == 9 and c == 0) or (assignment == 10 and c == 1)
        subframe(b, samples, bits + side, **plan)
    b.align()
    body = bytes(h) + b.bytes()
    return body + struct.pack(">H", crc(body, 0x8005, 16))


def decorrelate(left, right, assignment):
    left, right = np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64)
    side = left - right
    return {1: [left, right], 8: [left, side], 9: [side, right], 10: [(left + right) >> 1, side]}[assignment]


def write_crafted(name, rate, bits, samples, blocks, variable, rate_in_header=True):
    """blocks: (length, assignment, [plan per channel]); samples: frames x channels."""
    frames, at, sizes = [], 0, []
    for number, (length, assignment, plans) in enumerate(blocks):
        block = samples[at:at + length]
        channels = [block[:, c] for c in range(block.shape[1])]
        if assignment >= 8:
            channels = decorrelate(channels[0], channels[1], assignment)
        frames.append(frame(at if variable else number, variable, rate, rate_in_header, bits, assignment, channels, plans))
        sizes.append(length)
        at += length
    assert at == len(samples)
    channels = samples.shape[1]
    md5 = hashlib.md5(raw_bytes(samples, bits)).digest()
    max_block = max(sizes) if variable else sizes[0]
    min_block = min(sizes) if variable else sizes[0]
    info = struct.pack(">HH", min_block, max_block)
    info += struct.pack(">I", min(map(len, frames)))[1:] + struct.pack(">I", max(map(len, frames)))[1:]
    info += struct.pack(">Q", rate << 44 | (channels - 1) << 41 | (bits - 1) << 36 | len(samples)) + md5
    with open(os.path.join(OUT, name + ".flac"), "wb") as f:
        f.write(b"fLaC" + bytes([0x80, 0, 0, 34]) + info + b"".join(frames))
    flac_decode(name, bits)
    with open(os.path.join(OUT, name + ".pcm"), "rb") as f:
        assert f.read() == raw_bytes(samples, bits), name + ": flac -d disagrees with the writer's input"


# ------------------------------------------------------------------ the cases

def reference_cases():
    cases = []
    mono16 = quantise(speech(2.5), 16)[:, None]
    flac_encode("speech16_mono_l8", mono16, 16, RATE, ["-8"])
    cases.append(("speech16_mono_l8", 1, 16, RATE))
    flac_encode("speech16_mono_l0_b1152", quantise(speech(1.5, 3), 16)[:, None], 16, RATE, ["-0", "-b", "1152"])
    cases.append(("speech16_mono_l0_b1152", 1, 16, RATE))
    flac_encode("speech16_mono_l5_b192", quantise(speech(0.8, 6), 16)[:, None], 16, RATE, ["-5", "-b", "192"])
    cases.append(("speech16_mono_l5_b192", 1, 16, RATE))
    # Stereo in four moods so that the encoder's per-frame choice visits several decorrelation modes.
    x = speech(1.6, 8)
    q = len(x) // 4
    left = np.concatenate([x[:q], x[q:2 * q], 0.01 * x[2 * q:3 * q], x[3 * q:]])
    right = np.concatenate([x[:q], 0.02 * x[q:2 * q], x[2 * q:3 * q], 0.3 * RNG.standard_normal(len(x) - 3 * q)])
    stereo16 = np.stack([quantise(left, 16), quantise(right, 16)], axis=1)
    flac_encode("speech16_stereo_l5", stereo16, 16, RATE, ["-5", "-b", "1024"])
    cases.append(("speech16_stereo_l5", 2, 16, RATE))
    x = resample(speech(0.3, 11), 44100)
    stereo24 = np.stack([quantise(0.9 * x, 24), quantise(-0.7 * np.roll(x, 7), 24)], axis=1)
    flac_encode("speech24_stereo_44k_l8", stereo24, 24, 44100, ["-8"])
    cases.append(("speech24_stereo_44k_l8", 2, 24, 44100))
    flac_encode("speech24_mono_l8_exhaustive", quantise(speech(1.0, 12), 24)[:, None], 24, RATE,
                ["-8", "-e", "-p", "-b", "2048"])
    cases.append(("speech24_mono_l8_exhaustive", 1, 24, RATE))
    flac_encode("speech8_mono_l8", quantise(speech(0.5, 14), 8)[:, None], 8, RATE, ["-8"])
    cases.append(("speech8_mono_l8", 1, 8, RATE))
    # 13 significant bits in a 16-bit container: the encoder finds 3 wasted bits.
    flac_encode("wasted16_mono_l5", (quantise(speech(0.5, 15), 13) * 8)[:, None], 16, RATE, ["-5"])
    cases.append(("wasted16_mono_l5", 1, 16, RATE))
    # Full-scale white noise does not compress: verbatim subframes.
    flac_encode("noise16_mono_verbatim", quantise(RNG.uniform(-1, 1, 3200), 16)[:, None], 16, RATE, ["-5"])
    cases.append(("noise16_mono_verbatim", 1, 16, RATE))
    return cases


def crafted_cases():
    cases = []
    # 12-bit stereo at 12 kHz (rate coded in kHz), variable block sizes, every channel assignment, escapes.
    x = resample(speech(0.2, 17), 12000)
    left, right = quantise(x, 12), quantise(0.6 * np.roll(x, 3), 12)
    left[600:700] = 5  # a constant stretch for a constant subframe
    right[600:700] = 5
    stereo = np.stack([left, right], axis=1)
    lpc = lpc_fit(left[:600], 6, 12)
    blocks = [
        (300, 1, [dict(kind="fixed", order=2, partition_order=2, parameters=[3, ("escape", None), 4, 2]),
                  dict(kind="verbatim")]),
        (300, 8, [dict(kind="lpc", lpc=lpc, partition_order=1), dict(kind="fixed", order=1, method=1)]),
        (100, 10, [dict(kind="constant"), dict(kind="constant")]),
        (157, 9, [dict(kind="fixed", order=3), dict(kind="fixed", order=4, parameters=[("escape", None)])]),
        (len(stereo) - 857, 10, [dict(kind="fixed", order=0), dict(kind="lpc", lpc=lpc_fit(right, 2, 9))]),
    ]
    write_crafted("crafted12_stereo_12k_variable", 12000, 12, stereo, blocks, variable=True)
    cases.append(("crafted12_stereo_12k_variable", 2, 12, 12000))

    # 20-bit mono at 11025 Hz (rate coded in Hz), fixed block size 1000 (16-bit block size code), 5-bit
    # Rice parameters, wasted bits, and a short last block (8-bit code).
    x = resample(speech(0.29, 19), 11025)
    mono = quantise(x, 20)
    mono[1000:2000] = (mono[1000:2000] >> 4) << 4
    mono = mono[:, None]
    rest = len(mono) - 3000
    assert 0 < rest <= 256
    blocks = [
        (1000, 0, [dict(kind="lpc", lpc=lpc_fit(mono[:1000, 0], 12, 15), partition_order=3, method=1)]),
        (1000, 0, [dict(kind="fixed", order=2, wasted=4, method=1, partition_order=2,
                        parameters=[16, 15, ("escape", None), 14])]),
        (1000, 0, [dict(kind="verbatim", wasted=0)]),
        (rest, 0, [dict(kind="fixed", order=1, method=1)]),
    ]
    write_crafted("crafted20_mono_11k_fixed", 11025, 20, mono, blocks, variable=False)
    cases.append(("crafted20_mono_11k_fixed", 1, 20, 11025))

    # 8-bit mono at 22050 Hz (the rate only in STREAMINFO), 192-sample blocks, escape partitions of width 0.
    mono8 = quantise(resample(speech(0.05, 21), 22050)[:960], 8)
    mono8[192:384] = 0
    mono8 = mono8[:, None]
    blocks = [(192, 0, [dict(kind="fixed", order=1, partition_order=3)]),
              (192, 0, [dict(kind="fixed", order=0, partition_order=4, parameters=[("escape", 0)] * 16)]),
              (192, 0, [dict(kind="lpc", lpc=lpc_fit(mono8[384:576, 0], 4, 8), partition_order=0)]),
              (192, 0, [dict(kind="fixed", order=4, partition_order=1, parameters=[0, ("escape", 8)])]),
              (192, 0, [dict(kind="verbatim", wasted=0)])]
    write_crafted("crafted8_mono_22k_escapes", 22050, 8, mono8, blocks, variable=False, rate_in_header=False)
    cases.append(("crafted8_mono_22k_escapes", 1, 8, 22050))
    return cases


def librispeech():
    """<root>/<subset>/<speaker>/<chapter>/<speaker>-<chapter>-<utt>.flac and <speaker>-<chapter>.trans.txt"""
    if os.path.isdir(LIBRI):
        shutil.rmtree(LIBRI)
    texts = ["HELLO WORLD", "THE QUICK BROWN FOX", "A TINY CORPUS", "SPEAKERS NOT CHAPTERS", "ONE MORE LINE",
             "LEFT OUT ON PURPOSE", "STILL HERE", "LAST OF THE TRAIN SET", "DEVELOPMENT ONLY"]
    layout = [("train-clean-100", "19", "198", 2), ("train-clean-100", "19", "227", 2),
              ("train-clean-100", "26", "495", 2), ("train-clean-100", "26", "496", 2),
              ("dev-clean", "84", "121123", 1)]
    k = 0
    for subset, speaker, chapter, count in layout:
        folder = os.path.join(LIBRI, subset, speaker, chapter)
        os.makedirs(folder)
        lines = []
        for u in range(count):
            uid = "%s-%s-%04d" % (speaker, chapter, u)
            clip = quantise(speech(0.25 + 0.05 * k, 2 + k), 16)[:, None]
            flac_encode(uid, clip, 16, RATE, ["-8"])
            shutil.move(os.path.join(OUT, uid + ".flac"), os.path.join(folder, uid + ".flac"))
            if uid != "26-496-0001":  # the missing transcript line
                lines.append(uid + " " + texts[k])
            k += 1
        with open(os.path.join(folder, "%s-%s.trans.txt" % (speaker, chapter)), "w") as f:
            f.write("\n".join(lines) + "\n")


def sox_wavs():
    tone = os.path.join(OUT, "tone.wav")
    subprocess.run(["sox", "-R", "-n", "-r", "8000", "-c", "1", "-b", "16", tone, "synth", "0.1", "sine", "440"],
                   check=True)
    subprocess.run(["sox", "-R", tone, "-e", "u-law", os.path.join(OUT, "mulaw.wav")], check=True)
    subprocess.run(["sox", "-R", tone, "-e", "ima-adpcm", os.path.join(OUT, "adpcm.wav")], check=True)
    os.remove(tone)


def main():
    os.makedirs(OUT, exist_ok=True)
    for old in glob.glob(os.path.join(OUT, "*")):
        os.remove(old)
    cases = reference_cases() + crafted_cases()
    rows = ["case\tchannels\tbits\trate\tsamples"]
    for name, channels, bits, rate in cases:
        subprocess.run(["flac", "-s", "-t", os.path.join(OUT, name + ".flac")], check=True)
        flac_decode(name, bits)
        samples = os.path.getsize(os.path.join(OUT, name + ".pcm")) // (channels * ((bits + 7) // 8))
        rows.append("%s\t%d\t%d\t%d\t%d" % (name, channels, bits, rate, samples))
    with open(os.path.join(OUT, "cases.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    sox_wavs()
    librispeech()
    total = sum(os.path.getsize(p) for p in glob.glob(os.path.join(OUT, "*")))
    print("fixtures: %d bytes in %s" % (total, OUT))


if __name__ == "__main__":
    main()
