package dev.pretext.core.data;

import dev.pretext.api.data.Utterance;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Keys the core reads on every dataset, whatever its type: {@code split} keeps one part of a corpus divided by
 * speaker or by utterance, {@code hours} then keeps a subset of that many hours. Both are drawn from the run
 * seed and the utterance or speaker ids alone, so the same recipe and seed pick the same audio, a train part
 * and a test part of one corpus never overlap, and a smaller {@code hours} picks a subset of a larger one.
 *
 * @param hours  at most this much audio (a subset drawn by seed), or null for all of it
 * @param split  which part of the corpus, or null for all of it
 */
public record DataSelection(Double hours, Split split) {
    public static final DataSelection ALL = new DataSelection(null, null);

    /**
     * One part of a corpus divided in three.
     *
     * @param by     {@code speaker} (no speaker in two parts: for held-out speakers) or {@code utterance}
     * @param part   {@code train}, {@code valid} or {@code test}
     * @param shares the three parts' shares, summing to 1 (default 0.8, 0.1, 0.1)
     */
    public record Split(String by, String part, List<Double> shares) {
        static final List<String> PARTS = List.of("train", "valid", "test");

        public Split {
            by = by == null ? "speaker" : by;
            shares = shares == null ? List.of(0.8, 0.1, 0.1) : List.copyOf(shares);
            if (!by.equals("speaker") && !by.equals("utterance")) {
                throw new IllegalArgumentException("split.by must be speaker or utterance, got '" + by + "'");
            }
            if (part == null || !PARTS.contains(part)) {
                throw new IllegalArgumentException("split.part must be one of train, valid, test, got "
                        + (part == null ? "nothing" : "'" + part + "'"));
            }
            double sum = 0;
            for (double s : shares) {
                if (!(s >= 0)) {
                    throw new IllegalArgumentException("split.shares must not be negative, got " + shares);
                }
                sum += s;
            }
            if (shares.size() != 3 || Math.abs(sum - 1) > 1e-6) {
                throw new IllegalArgumentException("split.shares needs three shares (train, valid, test) summing "
                        + "to 1, got " + shares);
            }
        }

        int index() {
            return PARTS.indexOf(part);
        }
    }

    public DataSelection {
        if (hours != null && !(hours > 0)) {
            throw new IllegalArgumentException("hours must be positive, got " + hours);
        }
    }

    public boolean all() {
        return hours == null && split == null;
    }

    /**
     * The selected utterances in their original order.
     *
     * @throws IllegalArgumentException when a split by speaker meets utterances without a speaker, or nothing is
     *                                  left
     */
    public List<Utterance> apply(List<Utterance> utterances, long seed) {
        List<Utterance> kept = utterances;
        if (split != null) {
            kept = new ArrayList<>();
            int missing = 0;
            for (Utterance u : utterances) {
                if (split.by().equals("speaker") && !u.hasSpeaker()) {
                    missing++;
                    continue;
                }
                String key = split.by().equals("speaker") ? "speaker:" + u.speaker() : "utterance:" + u.id();
                if (partOf(key, seed) == split.index()) {
                    kept.add(u);
                }
            }
            if (missing > 0) {
                throw new IllegalArgumentException(missing + " of " + utterances.size() + " utterances have no "
                        + "speaker label, so they cannot be split by speaker; use split: {by: utterance, ...}");
            }
        }
        if (hours != null) {
            // Rank by a seeded hash of the id and keep the lowest ranks until the hours are reached.
            List<Utterance> ranked = new ArrayList<>(kept);
            ranked.sort(Comparator.comparingLong((Utterance u) -> Seeds.mix(seed, 0x40025L, u.id()))
                    .thenComparing(Utterance::id));
            double budget = hours * 3600;
            double total = 0;
            java.util.Set<Utterance> chosen = new java.util.HashSet<>();
            for (Utterance u : ranked) {
                if (total + u.seconds() > budget && !chosen.isEmpty()) {
                    continue;
                }
                chosen.add(u);
                total += u.seconds();
            }
            List<Utterance> inOrder = new ArrayList<>();
            for (Utterance u : kept) {
                if (chosen.contains(u)) {
                    inOrder.add(u);
                }
            }
            kept = inOrder;
        }
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("the selection " + describe() + " leaves no utterance of "
                    + utterances.size() + "; widen it");
        }
        return kept;
    }

    private int partOf(String key, long seed) {
        double u = (Seeds.mix(seed, 0x5B117L, key) >>> 11) * 0x1.0p-53;
        double cumulative = 0;
        for (int i = 0; i < 3; i++) {
            cumulative += split.shares().get(i);
            if (u < cumulative) {
                return i;
            }
        }
        return 2;
    }

    public String describe() {
        List<String> parts = new ArrayList<>();
        if (split != null) {
            parts.add("split " + split.part() + " by " + split.by() + " " + split.shares());
        }
        if (hours != null) {
            parts.add(String.format(Locale.ROOT, "hours %s", hours));
        }
        return parts.isEmpty() ? "all" : String.join(", ", parts);
    }
}
