package dev.pretext.core.probe;

import dev.pretext.api.data.Utterance;
import dev.pretext.core.data.Seeds;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits probe data by utterance, speaker by speaker, so that every speaker with two or more utterances
 * appears on both sides (speaker identification needs that). Deterministic for a seed.
 */
public record ProbeSplit(List<Utterance> train, List<Utterance> test) {

    public static ProbeSplit of(List<Utterance> utterances, double testShare, long seed) {
        Map<String, List<Utterance>> bySpeaker = new LinkedHashMap<>();
        for (Utterance u : utterances) {
            bySpeaker.computeIfAbsent(u.hasSpeaker() ? u.speaker() : "", k -> new ArrayList<>()).add(u);
        }
        List<Utterance> train = new ArrayList<>();
        List<Utterance> test = new ArrayList<>();
        for (List<Utterance> group : bySpeaker.values()) {
            List<Utterance> shuffled = new ArrayList<>(group);
            shuffled.sort(Comparator.comparingLong((Utterance u) -> Seeds.mix(seed, 0x7E57L, u.id()))
                    .thenComparing(Utterance::id));
            int nTest = group.size() < 2 ? 0 : Math.max(1, (int) Math.round(group.size() * testShare));
            test.addAll(shuffled.subList(0, nTest));
            train.addAll(shuffled.subList(nTest, shuffled.size()));
        }
        Comparator<Utterance> byId = Comparator.comparing(Utterance::id);
        train.sort(byId);
        test.sort(byId);
        return new ProbeSplit(List.copyOf(train), List.copyOf(test));
    }
}
