package dev.pretext.datasets.audio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes real WAV files of every supported layout for the tests; shared with the dataset bundles' tests. */
public final class TestWavs {
    public static final int PCM = 1;
    public static final int IEEE_FLOAT = 3;

    private TestWavs() {
    }

    /** A sine of {@code hz} at {@code amplitude}, {@code seconds} long, at {@code rate}. */
    public static float[] tone(double hz, double seconds, int rate, double amplitude) {
        float[] x = new float[(int) Math.round(seconds * rate)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return x;
    }

    public static float[] negate(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = -x[i];
        }
        return y;
    }

    /**
     * @param encoding   {@link #PCM} or {@link #IEEE_FLOAT}
     * @param extensible write WAVE_FORMAT_EXTENSIBLE with the encoding in the sub-format GUID
     * @param extraChunk put an odd-sized LIST chunk (padded) between fmt and data
     */
    public static byte[] encode(int rate, int bits, int encoding, boolean extensible, boolean extraChunk, float[]... channels) {
        int n = channels[0].length;
        int c = channels.length;
        int bytes = bits / 8;
        ByteBuffer data = ByteBuffer.allocate(n * c * bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            for (float[] channel : channels) {
                double v = channel[i];
                if (encoding == IEEE_FLOAT) {
                    if (bits == 32) {
                        data.putFloat((float) v);
                    } else {
                        data.putDouble(v);
                    }
                    continue;
                }
                switch (bits) {
                    case 8 -> data.put((byte) (Math.round(v * 127) + 128));
                    case 16 -> data.putShort((short) Math.round(v * 32767));
                    case 24 -> {
                        int s = (int) Math.round(v * 8388607);
                        data.put((byte) s).put((byte) (s >> 8)).put((byte) (s >> 16));
                    }
                    default -> data.putInt((int) Math.round(v * 2147483647.0));
                }
            }
        }
        ByteBuffer fmt = ByteBuffer.allocate(extensible ? 40 : 16).order(ByteOrder.LITTLE_ENDIAN);
        fmt.putShort((short) (extensible ? 0xFFFE : encoding)).putShort((short) c).putInt(rate)
                .putInt(rate * c * bytes).putShort((short) (c * bytes)).putShort((short) bits);
        if (extensible) {
            fmt.putShort((short) 22).putShort((short) bits).putInt(0).putShort((short) encoding)
                    .put(new byte[] {0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71});
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        chunk(body, "fmt ", fmt.array());
        if (extraChunk) {
            chunk(body, "LIST", "INFOtitle".getBytes(StandardCharsets.US_ASCII)); // 9 bytes: padded to 10
        }
        chunk(body, "data", data.array());
        ByteBuffer riff = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        riff.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(4 + body.size()).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(riff.array());
        file.writeBytes(body.toByteArray());
        return file.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String id, byte[] body) {
        ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        header.put(id.getBytes(StandardCharsets.US_ASCII)).putInt(body.length);
        out.writeBytes(header.array());
        out.writeBytes(body);
        if (body.length % 2 == 1) {
            out.write(0);
        }
    }

    public static Path write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, bytes);
    }

    /** Frequency of a steady tone from its zero crossings, ignoring the first and last 10 %. */
    public static double toneFrequency(float[] x, int rate) {
        int from = x.length / 10;
        int to = x.length - x.length / 10;
        int first = -1;
        int last = -1;
        int crossings = 0;
        for (int i = from + 1; i < to; i++) {
            if (x[i - 1] < 0 && x[i] >= 0) {
                if (first < 0) {
                    first = i;
                } else {
                    crossings++;
                }
                last = i;
            }
        }
        return crossings * rate / (double) (last - first);
    }

    /** Amplitude of the component at {@code hz}: Hann-windowed projection on the middle 80 % of the signal. */
    public static double amplitudeAt(float[] x, double hz, int rate) {
        int from = x.length / 10;
        int to = x.length - x.length / 10;
        double re = 0;
        double im = 0;
        double weight = 0;
        for (int i = from; i < to; i++) {
            double hann = 0.5 - 0.5 * Math.cos(2 * Math.PI * (i - from) / (to - from - 1));
            double w = 2 * Math.PI * hz * i / rate;
            re += hann * x[i] * Math.cos(w);
            im += hann * x[i] * Math.sin(w);
            weight += hann;
        }
        return 2 * Math.hypot(re, im) / weight;
    }

    /** Root mean square of the middle 80 % of the signal. */
    public static double middleRms(float[] x) {
        int from = x.length / 10;
        int to = x.length - x.length / 10;
        double s = 0;
        for (int i = from; i < to; i++) {
            s += x[i] * (double) x[i];
        }
        return Math.sqrt(s / (to - from));
    }
}
