package dev.pretext.datasets.tts;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** The corpus's own audio files: canonical 44-byte-header WAV, 16-bit PCM, mono, 16 kHz. */
final class Wav16 {
    private static final int HEADER = 44;

    private Wav16() {
    }

    static void write(Path file, short[] samples, int sampleRate) throws IOException {
        int dataBytes = samples.length * 2;
        ByteBuffer b = ByteBuffer.allocate(HEADER + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {'R', 'I', 'F', 'F'}).putInt(36 + dataBytes).put(new byte[] {'W', 'A', 'V', 'E'});
        b.put(new byte[] {'f', 'm', 't', ' '}).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(sampleRate).putInt(sampleRate * 2).putShort((short) 2).putShort((short) 16);
        b.put(new byte[] {'d', 'a', 't', 'a'}).putInt(dataBytes);
        for (short s : samples) {
            b.putShort(s);
        }
        Files.write(file, b.array());
    }

    /** Samples scaled to [-1, 1); fails with the file's name if it is not the format {@link #write} produces. */
    static float[] read(Path file, int expectedRate) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        boolean ok = bytes.length >= HEADER
                && b.getInt(0) == 0x46464952 /* RIFF */ && b.getInt(8) == 0x45564157 /* WAVE */
                && b.getInt(12) == 0x20746d66 /* fmt  */ && b.getShort(20) == 1 && b.getShort(22) == 1
                && b.getInt(24) == expectedRate && b.getShort(34) == 16 && b.getInt(36) == 0x61746164 /* data */
                && b.getInt(40) == bytes.length - HEADER;
        if (!ok) {
            throw new IOException(file + " is not a complete 16-bit mono " + expectedRate
                    + " Hz WAV written by the tts dataset; delete its corpus folder to synthesise it again");
        }
        float[] x = new float[(bytes.length - HEADER) / 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = b.getShort(HEADER + 2 * i) / 32768f;
        }
        return x;
    }
}
