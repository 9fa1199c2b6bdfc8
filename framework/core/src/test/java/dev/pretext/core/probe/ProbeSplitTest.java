package dev.pretext.core.probe;

import dev.pretext.api.data.Utterance;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProbeSplitTest {
    @Test
    void everySpeakerOnBothSidesAndDeterministic() {
        List<Utterance> utts = new ArrayList<>();
        for (int s = 0; s < 5; s++) {
            for (int i = 0; i < 2 + 3 * s; i++) {
                utts.add(new Utterance("s" + s + "-" + i, Path.of("x.wav"), 1, "spk" + s, null, null));
            }
        }
        ProbeSplit a = ProbeSplit.of(utts, 0.25, 9);
        assertEquals(utts.size(), a.train().size() + a.test().size());
        Set<String> trainSpeakers = new HashSet<>();
        a.train().forEach(u -> trainSpeakers.add(u.speaker()));
        Set<String> testSpeakers = new HashSet<>();
        a.test().forEach(u -> testSpeakers.add(u.speaker()));
        assertEquals(trainSpeakers, testSpeakers);
        assertEquals(5, testSpeakers.size());
        Set<String> overlap = new HashSet<>(a.train().stream().map(Utterance::id).toList());
        overlap.retainAll(a.test().stream().map(Utterance::id).toList());
        assertTrue(overlap.isEmpty());
        assertEquals(a, ProbeSplit.of(utts, 0.25, 9));
    }
}
