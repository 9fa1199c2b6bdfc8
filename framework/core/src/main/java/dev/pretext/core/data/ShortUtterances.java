package dev.pretext.core.data;

import dev.pretext.api.audio.Features;
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.SkippedFile;
import dev.pretext.api.data.Utterance;
import dev.pretext.api.model.Frontend;
import dev.pretext.api.model.LearnedFrontend;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Utterances too short for the frontend to make one frame of. Such an utterance trains nothing, yet a step made
 * only of them counted against the budget with loss 0 and no FLOPs; they are left out before training with a
 * reason instead. The minimum is asked of the frontend itself (fbank's window, its stacking, a learned
 * frontend's receptive field), not assumed.
 */
public final class ShortUtterances {
    /** The longest minimum searched for: a frontend that needs more than this is a frontend problem. */
    static final int SEARCH_LIMIT = 10 * Waveform.RATE;

    private ShortUtterances() {
    }

    /** What is kept, in order, and what is left out, each with why. */
    public record Split(List<Utterance> kept, List<SkippedFile> leftOut) {
    }

    /**
     * The fewest 16 kHz samples the frontend makes one frame of (for a learned frontend: one frame out of its
     * network). Frame counts grow with the length, so a bisection over silent waveforms finds it.
     */
    public static int minimumSamples(Frontend frontend) {
        int lo = 1;
        int hi = SEARCH_LIMIT;
        if (frames(frontend, hi) < 1) {
            return hi;
        }
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (frames(frontend, mid) >= 1) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private static int frames(Frontend frontend, int samples) {
        Features f;
        try {
            f = frontend.extract(new Waveform(new float[samples], Waveform.RATE));
        } catch (RuntimeException e) {
            return 0; // a frontend that cannot take this little audio makes no frame of it
        }
        return frontend instanceof LearnedFrontend learned ? learned.outputFrames(f.frames()) : f.frames();
    }

    /**
     * The utterances the frontend can make frames of, and the others with why.
     *
     * @param name the frontend as the recipe names it, for the reasons
     */
    public static Split split(List<Utterance> utterances, Frontend frontend, String name) {
        int minimum = minimumSamples(frontend);
        List<Utterance> kept = new ArrayList<>(utterances.size());
        List<SkippedFile> leftOut = new ArrayList<>();
        for (Utterance u : utterances) {
            long samples = Math.round(u.seconds() * Waveform.RATE);
            if (samples >= minimum) {
                kept.add(u);
                continue;
            }
            leftOut.add(new SkippedFile(u.audio().toString(), String.format(Locale.ROOT,
                    "too short for the frontend: %.1f ms of audio (%d sample%s at 16 kHz), and %s makes its first "
                            + "frame from %.1f ms (%d samples); remove it or join it to a longer recording",
                    1000.0 * samples / Waveform.RATE, samples, samples == 1 ? "" : "s", name,
                    1000.0 * minimum / Waveform.RATE, minimum)));
        }
        return new Split(kept, leftOut);
    }
}
