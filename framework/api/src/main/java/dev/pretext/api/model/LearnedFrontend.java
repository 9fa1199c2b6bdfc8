package dev.pretext.api.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.pretext.api.audio.FeatureSpec;
import org.osgi.annotation.versioning.ConsumerType;

import java.util.OptionalLong;

/**
 * A frontend whose last stage learns: it runs in the model graph, between the loader's features and the
 * encoder body (wav2vec 2.0's convolutional feature encoder is one). The loader still calls
 * {@link #extract} on CPU threads to produce what {@link #spec()} describes (for a waveform frontend: samples
 * grouped into frames); {@link #forward} then turns a padded batch of those into what {@link #outputSpec()}
 * describes, which is what the encoder body is built for. The core saves, loads and optimises its parameters
 * with the encoder's, counts its FLOPs and runs it for every upstream a probe sees.
 */
@ConsumerType
public interface LearnedFrontend extends Frontend {
    /** The block that owns the trainable parameters. */
    Block block();

    /** Creates the parameters with the engine's current seed. */
    void initialize(NDManager manager);

    /** What {@link #forward} produces: the encoder body's input. */
    FeatureSpec outputSpec();

    /**
     * @param features [B, T, F] as described by {@link #spec()}
     * @param valid    [B, T] float mask of real frames
     * @return features [B, T', D] as described by {@link #outputSpec()} and their [B, T'] mask; padded frames
     *         must not change real ones
     */
    FrontendOutput forward(ParameterStore parameters, NDArray features, NDArray valid, boolean training);

    /**
     * Forward FLOPs of {@link #forward} for a padded batch of this input shape, per named component; names start
     * with {@code frontend.}.
     */
    FlopCount flops(int batch, int frames);

    /** Frames {@link #forward} returns for {@code frames} input frames. */
    int outputFrames(int frames);

    /** Trainable parameters, known without creating them; empty when the frontend cannot tell. */
    default OptionalLong parameterCount() {
        return OptionalLong.empty();
    }
}
