package dev.pretext.core.data;

import dev.pretext.api.data.Utterance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Splits one epoch into length-bucketed batches: utterances of similar length go together (little padding),
 * no batch holds more than {@code batchSeconds} of padded audio, and the batch order is shuffled per epoch.
 * The plan depends only on the utterances, the seed and the epoch, so a resumed run sees the same batches.
 */
public final class BatchPlanner {
    private final List<Utterance> utterances;
    private final double batchSeconds;
    private final double maxUtteranceSeconds;
    private final long seed;

    public BatchPlanner(List<Utterance> utterances, double batchSeconds, double maxUtteranceSeconds, long seed) {
        if (utterances.isEmpty()) {
            throw new IllegalArgumentException("no utterances to train on");
        }
        this.utterances = List.copyOf(utterances);
        this.batchSeconds = batchSeconds;
        this.maxUtteranceSeconds = maxUtteranceSeconds;
        this.seed = seed;
    }

    /** Seconds an utterance contributes after cropping. */
    public double croppedSeconds(Utterance u) {
        return Math.min(u.seconds(), maxUtteranceSeconds);
    }

    /** The batches of an epoch, each an array of indices into the utterance list. */
    public List<int[]> plan(int epoch) {
        SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, epoch, 0x5EEDL));
        int n = utterances.size();
        Integer[] order = new Integer[n];
        double[] key = new double[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            // Jitter the sort key a little so that batches are not identical every epoch.
            key[i] = croppedSeconds(utterances.get(i)) * (1 + 0.1 * rng.nextDouble());
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> key[i]));
        List<int[]> batches = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        double longest = 0;
        for (int idx : order) {
            double s = croppedSeconds(utterances.get(idx));
            double longestIfAdded = Math.max(longest, s);
            if (!current.isEmpty() && longestIfAdded * (current.size() + 1) > batchSeconds) {
                batches.add(current.stream().mapToInt(Integer::intValue).toArray());
                current.clear();
                longestIfAdded = s;
            }
            current.add(idx);
            longest = longestIfAdded;
        }
        if (!current.isEmpty()) {
            batches.add(current.stream().mapToInt(Integer::intValue).toArray());
        }
        for (int i = batches.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int[] t = batches.get(i);
            batches.set(i, batches.get(j));
            batches.set(j, t);
        }
        return batches;
    }

    public List<Utterance> utterances() {
        return utterances;
    }

    public double totalSeconds() {
        return utterances.stream().mapToDouble(Utterance::seconds).sum();
    }
}
