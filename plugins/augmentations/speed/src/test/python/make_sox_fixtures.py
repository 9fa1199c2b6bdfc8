#!/usr/bin/python3
"""Reference speed perturbations for SpeedSoxTest, made with SoX's own `speed` effect.

Needs SoX (no Python packages beyond the standard library), and for the recorded clip Debian's
pocketsphinx-testdata (only to remake librivox.wav; the committed copy is used otherwise):
    apt-get install -y sox pocketsphinx-testdata
    python3 plugins/augmentations/speed/src/test/python/make_sox_fixtures.py

Writes into src/test/resources/sox/:
  chirp.wav                   1 s linear chirp 100 Hz -> 6 kHz, amplitude 0.5
  librivox.wav                2 s of a human reader ("he was not an ill disposed young man"): seconds 0.4-2.4 of
                              LibriVox's public-domain "Sense and Sensibility", chapter 1, as shipped in
                              pocketsphinx-testdata (sense_and_sensibility_01_austen_64kb-0880.wav, 16 kHz)
  <clip>_speed_<factor>.wav   `sox -D <clip>.wav out.wav speed <factor>` for factors 0.9, 1.1 and 2^(1/12)
                              (irrational: SoX and the bundle both interpolate between filter phases)
  cases.tsv                   clip, factor, input samples, output samples

`speed` relabels the rate (16 kHz * factor) and SoX appends its `rate` effect to return to 16 kHz at its default
quality (-h: linear phase, 95% bandwidth, delay compensated), so the output is aligned with the input's time
axis. -D turns off the dither SoX would otherwise add when writing 16-bit samples; what remains is plain
rounding to 16 bits. The inputs are the espeak-ng clip already committed for the speed tests (../speech.wav),
the recorded reader and the chirp.
"""
import math
import os
import struct
import subprocess
import wave

RATE = 16000
FACTORS = ("0.9", "1.1", repr(2 ** (1 / 12)))
HERE = os.path.dirname(os.path.abspath(__file__))
RESOURCES = os.path.normpath(os.path.join(HERE, "..", "resources"))
OUT = os.path.join(RESOURCES, "sox")
LIBRIVOX = "/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0880.wav"


def write_wav(path, samples):
    pcm = [max(-32768, min(32767, round(s * 32768.0))) for s in samples]
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(struct.pack("<%dh" % len(pcm), *pcm))


def frames(path):
    with wave.open(path, "rb") as w:
        assert w.getframerate() == RATE and w.getnchannels() == 1 and w.getsampwidth() == 2, path
        return w.getnframes()


def chirp(seconds=1.0, f0=100.0, f1=6000.0, amplitude=0.5):
    n = int(seconds * RATE)
    k = (f1 - f0) / seconds
    return [amplitude * math.sin(2 * math.pi * (f0 * t + 0.5 * k * t * t)) for t in (i / RATE for i in range(n))]


def main():
    os.makedirs(OUT, exist_ok=True)
    write_wav(os.path.join(OUT, "chirp.wav"), chirp())
    if os.path.exists(LIBRIVOX):
        subprocess.run(["sox", "-V1", LIBRIVOX, os.path.join(OUT, "librivox.wav"), "trim", "0.4", "2.0"], check=True)
    inputs = {"speech": os.path.join(RESOURCES, "speech.wav"), "librivox": os.path.join(OUT, "librivox.wav"),
              "chirp": os.path.join(OUT, "chirp.wav")}
    version = subprocess.run(["sox", "--version"], check=True, capture_output=True, text=True).stdout.strip()
    with open(os.path.join(OUT, "cases.tsv"), "w") as tsv:
        tsv.write("clip\tfactor\tinput_samples\toutput_samples\n")
        for clip, path in inputs.items():
            for factor in FACTORS:
                out = os.path.join(OUT, f"{clip}_speed_{factor}.wav")
                subprocess.run(["sox", "-D", "-V1", path, out, "speed", factor], check=True)
                tsv.write(f"{clip}\t{factor}\t{frames(path)}\t{frames(out)}\n")
                print(f"{clip} x{factor}: {frames(path)} -> {frames(out)} samples")
    print(version)


if __name__ == "__main__":
    main()
