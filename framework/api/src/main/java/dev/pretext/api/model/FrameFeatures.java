package dev.pretext.api.model;

import dev.pretext.api.annotation.Experimental;
import dev.pretext.api.audio.Features;
import dev.pretext.api.data.Utterance;
import org.osgi.annotation.versioning.ProviderType;

import java.io.IOException;

/** Per-utterance frame features from somewhere other than the frontend, e.g. a layer of a trained network. */
@Experimental
@ProviderType
public interface FrameFeatures {
    /** The utterance's frames, frame 0 first. May be called from several threads and more than once. */
    Features of(Utterance utterance) throws IOException;

    int dim();

    double frameRateHz();

    /** A short name for reports, e.g. {@code layer6}. */
    String kind();
}
