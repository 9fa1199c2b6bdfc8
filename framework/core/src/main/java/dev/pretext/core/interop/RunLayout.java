package dev.pretext.core.interop;

import dev.pretext.api.model.LearnedFrontend;
import dev.pretext.core.UserError;
import dev.pretext.core.run.ComposedRun;

import java.lang.reflect.Method;

/**
 * The {@link EncoderLayout} of a composed pretext run, or the reason it has none. The mapping is keyed on the
 * recipe's plugin types ({@code waveform-cnn}, {@code transformer}) and read from their bound config records
 * (by component name: the core never links a plugin's classes), so a plugin it does not know is refused rather
 * than guessed at.
 */
public final class RunLayout {
    private RunLayout() {
    }

    /** What the export writes beside the layout: the run's dropout settings, for fine-tuning. */
    public record Found(EncoderLayout layout, double dropout, double layerDrop) {
    }

    /**
     * @param formatName for messages ("torchaudio", "huggingface")
     * @throws UserError naming what torchaudio's (and transformers') wav2vec 2.0 cannot express
     */
    public static Found of(ComposedRun run, String formatName) {
        String frontendType = run.frontend().plugin().type();
        String encoderType = run.encoder().plugin().type();
        String why = formatName + " cannot hold this run's network: ";
        if (!encoderType.equals("transformer")) {
            throw new UserError(why + "its encoder is '" + encoderType + "'; only pretext's transformer encoder maps "
                    + "to wav2vec 2.0's (docs/INTEROP.md)");
        }
        if (!frontendType.equals("waveform-cnn")) {
            String extra = run.frontend().instance() instanceof LearnedFrontend ? ""
                    : " (torchaudio's encoder alone takes features of any width, but it layer-normalises every "
                    + "input frame before its projection, feature_projection.layer_norm, which pretext's "
                    + "transformer does not do: the hidden states could not be equal)";
            throw new UserError(why + "its frontend is '" + frontendType + "'; wav2vec 2.0's models start from the "
                    + "waveform with the convolutional feature encoder, pretext's 'waveform-cnn'" + extra);
        }
        if (!run.recipe().featureNorm().mode().equals("none")) {
            throw new UserError(why + "the run normalises its input (feature_norm: {mode: "
                    + run.recipe().featureNorm().mode() + "}), which for waveform-cnn scales each of the 320 sample "
                    + "positions of a frame by its own statistics before the convolutions; torchaudio's model takes "
                    + "the raw waveform. Train with feature_norm: {mode: none} to export");
        }
        Object enc = run.encoder().config();
        Object front = run.frontend().config();
        String positions = (String) get(enc, "positions");
        if (!positions.equals("conv")) {
            throw new UserError(why + "the encoder has positions: " + positions + "; wav2vec 2.0's encoder has only "
                    + "the convolutional relative positions (positions: conv)");
        }
        if (Boolean.TRUE.equals(get(enc, "causal"))) {
            throw new UserError(why + "the encoder is causal; wav2vec 2.0's attention sees every frame");
        }
        int dim = (Integer) get(enc, "dim");
        int groups = (Integer) get(enc, "posConvGroups");
        EncoderLayout layout = new EncoderLayout((Integer) get(front, "channels"), (String) get(front, "norm"),
                (Boolean) get(front, "convBias"), (Integer) get(enc, "layers"), dim, (Integer) get(enc, "heads"),
                (Integer) get(enc, "ffn"), get(enc, "norm").equals("pre"), (Integer) get(enc, "posConvKernel"),
                groups);
        return new Found(layout, (Double) get(enc, "dropout"), (Double) get(enc, "layerDrop"));
    }

    private static Object get(Object config, String component) {
        try {
            Method m = config.getClass().getMethod(component);
            return m.invoke(config);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("config " + config.getClass().getName() + " has no '" + component
                    + "': this plugin version is not the one the export mapping knows", e);
        }
    }
}
