package dev.pretext.architectures.fbank;

import dev.pretext.api.audio.Features;
import dev.pretext.api.audio.Waveform;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The reference clips and torchaudio features written by src/test/python/make_fixtures.py. */
final class Fixtures {
    private Fixtures() {
    }

    record Case(String name, String wav, int bins, double frameMs, double shiftMs, int frames) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(open("cases.tsv"), StandardCharsets.UTF_8))) {
            in.readLine();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                cases.add(new Case(f[0], f[1], Integer.parseInt(f[2]), Double.parseDouble(f[3]),
                        Double.parseDouble(f[4]), Integer.parseInt(f[5])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }

    /** A 16 kHz, 16-bit mono WAV as floats in [-1, 1]. */
    static Waveform wav(String name) {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(new BufferedInputStream(open(name)))) {
            AudioFormat format = in.getFormat();
            if (format.getSampleRate() != Waveform.RATE || format.getChannels() != 1
                    || format.getSampleSizeInBits() != 16 || format.isBigEndian()
                    || format.getEncoding() != AudioFormat.Encoding.PCM_SIGNED) {
                throw new IllegalStateException(name + " is not 16 kHz 16-bit little-endian mono PCM: " + format);
            }
            ByteBuffer bytes = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            float[] samples = new float[bytes.remaining() / 2];
            for (int i = 0; i < samples.length; i++) {
                samples[i] = bytes.getShort() / 32768f;
            }
            return new Waveform(samples, Waveform.RATE);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read fixture " + name, e);
        }
    }

    /** b"FBK1", int32 frames, int32 dim, frames * dim float32, little-endian. */
    static Features features(String name) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(open(name)))) {
            byte[] all = in.readAllBytes();
            ByteBuffer buffer = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
            byte[] magic = new byte[4];
            buffer.get(magic);
            if (!"FBK1".equals(new String(magic, StandardCharsets.US_ASCII))) {
                throw new IllegalStateException(name + " is not an FBK1 feature file");
            }
            int frames = buffer.getInt();
            int dim = buffer.getInt();
            float[] data = new float[frames * dim];
            buffer.asFloatBuffer().get(data);
            return new Features(data, frames, dim);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream open(String name) {
        InputStream in = Fixtures.class.getResourceAsStream("/fbank/" + name);
        if (in == null) {
            throw new IllegalStateException("missing test resource fbank/" + name
                    + ": regenerate with src/test/python/make_fixtures.py");
        }
        return in;
    }
}
