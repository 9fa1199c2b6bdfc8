package dev.pretext.objectives.hubert.targets;

import dev.pretext.api.data.PhoneSegment;
import dev.pretext.api.data.Utterance;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How well discrete labels line up with time-aligned phones, as the HuBERT paper measures it (Hsu et al. 2021,
 * section IV-F): from the joint distribution p(y, z) of frame phones y and labels z,
 * <ul>
 *   <li>phone purity E_z[max_y p(y|z)]: each cluster's frames labelled with the cluster's majority phone;</li>
 *   <li>cluster purity E_y[max_z p(z|y)]: each phone's frames in the phone's majority cluster;</li>
 *   <li>PNMI I(y; z) / H(y): the share of the phone entropy the labels explain (1 = they determine the phone).</li>
 * </ul>
 * A frame's phone is the segment containing the frame's centre; frames outside every segment are not counted.
 * Counts are added utterance by utterance, in corpus order.
 */
public final class LabelQuality {
    private final int clusters;
    private final Map<String, long[]> counts = new LinkedHashMap<>();
    private long frames;
    private int utterances;

    public LabelQuality(int clusters) {
        this.clusters = clusters;
    }

    /**
     * Counts the frames of one utterance with a phone alignment (utterances without one are skipped).
     *
     * @param centre where frame t is centred, in seconds
     */
    public void add(Utterance utterance, int[] labels, java.util.function.IntToDoubleFunction centre) {
        List<PhoneSegment> phones = utterance.phones();
        if (phones.isEmpty()) {
            return;
        }
        utterances++;
        int s = 0;
        for (int t = 0; t < labels.length; t++) {
            double at = centre.applyAsDouble(t);
            while (s < phones.size() && phones.get(s).end() <= at) {
                s++;
            }
            if (s == phones.size()) {
                break;
            }
            PhoneSegment p = phones.get(s);
            if (at < p.start()) {
                continue;
            }
            int z = labels[t];
            if (z < 0 || z >= clusters) {
                throw new IllegalArgumentException("label " + z + " of utterance " + utterance.id()
                        + " is outside [0, " + clusters + ")");
            }
            counts.computeIfAbsent(p.phone(), k -> new long[clusters])[z]++;
            frames++;
        }
    }

    public long frames() {
        return frames;
    }

    public int utterances() {
        return utterances;
    }

    public int phones() {
        return counts.size();
    }

    /** Phone-normalised mutual information; NaN without counted frames, 0 when only one phone occurs. */
    public double pnmi() {
        if (frames == 0) {
            return Double.NaN;
        }
        double n = frames;
        double[] pz = new double[clusters];
        double hy = 0;
        for (long[] row : counts.values()) {
            long ny = 0;
            for (int z = 0; z < clusters; z++) {
                ny += row[z];
                pz[z] += row[z] / n;
            }
            double py = ny / n;
            hy -= py * Math.log(py);
        }
        if (hy <= 0) {
            return 0;
        }
        double mi = 0;
        for (long[] row : counts.values()) {
            long ny = 0;
            for (long c : row) {
                ny += c;
            }
            double py = ny / n;
            for (int z = 0; z < clusters; z++) {
                if (row[z] > 0) {
                    double pyz = row[z] / n;
                    mi += pyz * Math.log(pyz / (py * pz[z]));
                }
            }
        }
        return mi / hy;
    }

    /** E_z[max_y p(y|z)]: the share of frames whose phone is their cluster's majority phone. */
    public double phonePurity() {
        if (frames == 0) {
            return Double.NaN;
        }
        long sum = 0;
        for (int z = 0; z < clusters; z++) {
            long best = 0;
            for (long[] row : counts.values()) {
                best = Math.max(best, row[z]);
            }
            sum += best;
        }
        return sum / (double) frames;
    }

    /** E_y[max_z p(z|y)]: the share of frames in their phone's majority cluster. */
    public double clusterPurity() {
        if (frames == 0) {
            return Double.NaN;
        }
        long sum = 0;
        for (long[] row : counts.values()) {
            long best = 0;
            for (long c : row) {
                best = Math.max(best, c);
            }
            sum += best;
        }
        return sum / (double) frames;
    }
}
