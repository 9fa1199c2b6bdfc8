package dev.pretext.datasets.tts;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpeakersTableTest {
    private static final EngineVoice SLT = new EngineVoice("flite", "slt", "slt", 150, 210);
    private static final EngineVoice KAL = new EngineVoice("freetts", "kevin16", "kal", 85, 130);

    @TempDir
    Path dir;

    @Test
    void writesOneSortedRowPerSpeakerWithItsShareAndReadsItBack() throws IOException {
        SpeakerVoice a = new SpeakerVoice(SLT, 180, 20, 0.95);
        SpeakerVoice b = new SpeakerVoice(KAL, 120, 14, 1.05);
        SpeakerVoice silent = new SpeakerVoice(SLT, 160, 10, 1.0);
        List<Manifest.Entry> entries = List.of(
                new Manifest.Entry("u1", "wav/x/u1.wav", 16000, a.label(), "sentence", "hello there", List.of()),
                new Manifest.Entry("u2", "wav/x/u2.wav", 8000, a.label(), "keyword", "yes", List.of()),
                new Manifest.Entry("u3", "wav/y/u3.wav", 4000, b.label(), "keyword", "no", List.of()));
        SpeakersTable table = SpeakersTable.of(List.of(b, silent, a), entries);
        Path file = dir.resolve("speakers.tsv");
        table.write(file);

        List<String> lines = Files.readAllLines(file);
        assertEquals(SpeakersTable.HEADER, lines.get(0));
        assertEquals(4, lines.size());
        assertEquals(String.join("\t", a.label(), "flite", "slt", "slt", "180", "20", "0.95", "2", "1.500"),
                lines.stream().filter(l -> l.startsWith(a.label() + "\t")).findFirst().orElseThrow());
        SpeakersTable read = SpeakersTable.read(file);
        assertEquals(table, read);
        assertEquals(Map.of("flite", 1, "freetts", 1), read.speakersPerEngine(), "the silent speaker is not counted");
    }

    @Test
    void aFileOfAnotherFormatIsRefusedWithItsPlace() throws IOException {
        Path other = Files.writeString(dir.resolve("other.tsv"), "id\tpath\n");
        assertThrows(IOException.class, () -> SpeakersTable.read(other));
        Path short1 = Files.writeString(dir.resolve("short.tsv"), SpeakersTable.HEADER + "\nspk\tflite\n");
        IOException e = assertThrows(IOException.class, () -> SpeakersTable.read(short1));
        assertTrue(e.getMessage().contains("short.tsv:2:"), e.getMessage());
    }
}
