package dev.pretext.datasets.audio;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The committed fixtures of src/test/resources/flac (made by src/test/python/make_fixtures.py). */
final class FlacFixtures {
    private FlacFixtures() {
    }

    /** One line of cases.tsv. */
    record Case(String name, int channels, int bits, int rate, int samples) {
        byte[] flac() {
            return bytes(name + ".flac");
        }

        /** What {@code flac -d} decoded: interleaved samples. */
        int[] reference() {
            byte[] pcm = bytes(name + ".pcm");
            int width = (bits + 7) / 8;
            int[] out = new int[pcm.length / width];
            for (int i = 0; i < out.length; i++) {
                int v = 0;
                for (int k = width - 1; k >= 0; k--) {
                    v = (v << 8) | (pcm[i * width + k] & 0xff);
                }
                int unused = 32 - 8 * width;
                out[i] = (v << unused) >> unused; // sign-extend
            }
            return out;
        }

        Path copyTo(Path folder) throws IOException {
            return Files.write(folder.resolve(name + ".flac"), flac());
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        String[] lines = new String(bytes("cases.tsv"), StandardCharsets.UTF_8).split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split("\t");
            cases.add(new Case(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                    Integer.parseInt(f[4])));
        }
        return cases;
    }

    static Case get(String name) {
        return cases().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    static byte[] bytes(String resource) {
        try (InputStream in = FlacFixtures.class.getResourceAsStream("/flac/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture /flac/" + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
