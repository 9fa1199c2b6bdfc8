package dev.pretext.core.data;

import dev.pretext.api.data.PhoneSegment;
import dev.pretext.api.data.Utterance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SplitManifestsTest {
    private static List<Utterance> corpus(Path root) {
        List<Utterance> out = new ArrayList<>();
        for (int s = 0; s < 20; s++) {
            for (int i = 0; i < 5; i++) {
                String id = "s" + s + "u" + i;
                List<PhoneSegment> phones = List.of(new PhoneSegment("sil", 0, 0.1), new PhoneSegment("hh", 0.1, 0.2),
                        new PhoneSegment("ay", 0.2, 0.5), new PhoneSegment("sil", 0.5, 0.6));
                out.add(new Utterance(id, root.resolve("wav/" + id + ".wav"), 0.6 + 0.1 * i, "spk" + s,
                        "hi there " + i, phones));
            }
        }
        return out;
    }

    @Test
    void partsAreTheRecipeSplitsWrittenAsFairseqManifestsWithLabels(@TempDir Path root) throws IOException {
        List<Utterance> all = corpus(root);
        List<Double> shares = List.of(0.6, 0.2, 0.2);
        List<SplitManifests.Part> parts = SplitManifests.write(root.resolve("splits"), root, all, "speaker", shares, 9);
        assertEquals(List.of("train", "valid", "test"), parts.stream().map(SplitManifests.Part::name).toList());
        Set<String> seen = new HashSet<>();
        int total = 0;
        for (SplitManifests.Part part : parts) {
            List<Utterance> expected = new DataSelection(null, new DataSelection.Split("speaker", part.name(), shares))
                    .apply(all, 9);
            List<String> tsv = Files.readAllLines(root.resolve("splits/" + part.name() + ".tsv"));
            assertEquals(root.toAbsolutePath().normalize().toString(), tsv.get(0));
            assertEquals(expected.size() + 1, tsv.size());
            assertEquals(expected.size(), part.utterances());
            List<String> wrd = Files.readAllLines(root.resolve("splits/" + part.name() + ".wrd"));
            List<String> ltr = Files.readAllLines(root.resolve("splits/" + part.name() + ".ltr"));
            List<String> phn = Files.readAllLines(root.resolve("splits/" + part.name() + ".phn"));
            for (int i = 0; i < expected.size(); i++) {
                Utterance u = expected.get(i);
                assertEquals("wav/" + u.id() + ".wav\t" + Math.round(u.seconds() * 16000), tsv.get(i + 1));
                assertEquals(u.text(), wrd.get(i));
                assertEquals("H I | T H E R E | " + u.text().substring(9) + " |", ltr.get(i));
                assertEquals("hh ay", phn.get(i), "silences are left out of the phone transcripts");
                assertTrue(seen.add(u.id()), u.id() + " is in two parts");
            }
            total += expected.size();
        }
        assertEquals(all.size(), total);
    }

    @Test
    void labelFilesAreWrittenOnlyWhenEveryUtteranceHasTheLabel(@TempDir Path root) throws IOException {
        List<Utterance> all = new ArrayList<>(corpus(root));
        all.set(3, new Utterance("bare", root.resolve("wav/bare.wav"), 1.0, "spk0", null, null));
        SplitManifests.write(root.resolve("splits"), root, all, "utterance", List.of(0.8, 0.1, 0.1), 1);
        assertTrue(Files.exists(root.resolve("splits/train.tsv")));
        assertFalse(Files.exists(root.resolve("splits/train.wrd")));
        assertFalse(Files.exists(root.resolve("splits/train.phn")));
    }

    @Test
    void audioOutsideTheRootIsRefused(@TempDir Path root) {
        List<Utterance> all = List.of(new Utterance("x", Path.of("/elsewhere/x.wav"), 1.0, "a", "x", null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                SplitManifests.write(root.resolve("splits"), root, all, "utterance", List.of(1.0, 0.0, 0.0), 1));
        assertTrue(e.getMessage().contains("outside"), e.getMessage());
    }

    @Test
    void lettersFollowFairseq() {
        assertEquals("Y E S |", SplitManifests.letters("yes"));
        assertEquals("G O | L E F T |", SplitManifests.letters(" go  left "));
    }
}
