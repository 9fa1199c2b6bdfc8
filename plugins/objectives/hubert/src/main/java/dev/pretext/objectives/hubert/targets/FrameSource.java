package dev.pretext.objectives.hubert.targets;

import dev.pretext.api.audio.Features;
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Utterance;

import java.io.IOException;

/**
 * Frame features of utterances, computed on demand: what the targets stage clusters. The stage reads every
 * utterance several times (a sampling pass, the k-means passes, the labelling pass) and never keeps more than
 * a few utterances' frames at once, so a source should be cheap to call again (MFCC is; for encoder layers,
 * wrap the encoder in a source that caches its output on disk).
 *
 * <p>Implementations are called from several threads at once.
 */
public interface FrameSource {
    /** The frames of one utterance, frame 0 first. */
    Features frames(Utterance utterance) throws IOException;

    /** Values per frame. */
    int dim();

    /** Frames per second: the label rate of the targets made from this source. */
    double frameRateHz();

    /** A short name for targets.json, e.g. {@code mfcc} or {@code layer6}. */
    String kind();

    /** Where frame {@code t} is centred, in seconds from the start of the utterance (to find its phone). */
    default double frameCentreSeconds(int t) {
        return (t + 0.5) / frameRateHz();
    }

    /** Frames the core hands over, e.g. a layer of a trained network (HuBERT's second iteration). */
    static FrameSource of(dev.pretext.api.model.FrameFeatures features) {
        return new FrameSource() {
            @Override
            public Features frames(Utterance utterance) throws IOException {
                return features.of(utterance);
            }

            @Override
            public int dim() {
                return features.dim();
            }

            @Override
            public double frameRateHz() {
                return features.frameRateHz();
            }

            @Override
            public String kind() {
                return features.kind();
            }
        };
    }

    /** The 39-dimensional MFCC of HuBERT's first iteration, at 100 Hz, computed from {@code audio}. */
    static FrameSource mfcc(AudioSource audio) {
        Mfcc mfcc = new Mfcc();
        return new FrameSource() {
            @Override
            public Features frames(Utterance utterance) throws IOException {
                Waveform w = audio.audio(utterance);
                return mfcc.compute(w);
            }

            @Override
            public int dim() {
                return Mfcc.DIM;
            }

            @Override
            public double frameRateHz() {
                return Mfcc.FRAME_RATE;
            }

            @Override
            public String kind() {
                return "mfcc";
            }

            @Override
            public double frameCentreSeconds(int t) {
                return Mfcc.frameCentreSeconds(t);
            }
        };
    }

    /** An utterance's 16 kHz audio, e.g. {@code dataset::audio}. Called from several threads at once. */
    @FunctionalInterface
    interface AudioSource {
        Waveform audio(Utterance utterance) throws IOException;
    }
}
