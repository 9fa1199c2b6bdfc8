package dev.pretext.api.model;

import dev.pretext.api.annotation.Experimental;
import dev.pretext.api.data.Dataset;
import dev.pretext.api.data.Utterance;
import org.osgi.annotation.versioning.ConsumerType;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * Work an objective needs done once before it can train, such as HuBERT's clustering of frames into targets.
 * {@code pretext train} runs it when it is not {@link #done()}; {@code pretext targets} runs it on request, also
 * on features from a trained network (HuBERT's second iteration). Its compute is not part of the training budget.
 */
@Experimental
@ConsumerType
public interface Preparation {
    /** One line: what it makes and where, e.g. "100 k-means targets of MFCC in runs/targets/x". */
    String describe();

    /** Whether its output exists and is complete. */
    boolean done();

    /**
     * Makes the output from the training utterances.
     *
     * @param audio  the training dataset, for the utterances' audio
     * @param frames per-utterance features to use instead of the preparation's own (e.g. a layer of a trained
     *               network), or null
     * @param log    progress lines for the console
     */
    void run(List<Utterance> training, Dataset audio, FrameFeatures frames, Consumer<String> log) throws IOException;
}
