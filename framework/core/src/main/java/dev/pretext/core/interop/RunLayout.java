package dev.pretext.core.interop;

import dev.pretext.api.model.LearnedFrontend;
import dev.pretext.core.UserError;
import dev.pretext.core.plugins.ComposedRun;

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
     * The run's network in the layout a format names, with the dropout settings it carries.
     *
     * @throws UserError naming what torchaudio's (and transformers') wav2vec 2.0 cannot express
     */
    public static Found of(ComposedRun run, Format format) {
        String formatName = format.key;
        String frontendType = run.frontend().plugin().type();
        String encoderType = run.encoder().plugin().type();
        String why = formatName + " cannot hold this run's network: ";
        if (!encoderType.equals("transformer")) {
            throw new UserError(why + "its encoder is '" + encoderType + "'; only pretext's transformer encoder maps "
                    + "to wav2vec 2.0's (docs/INTEROP.md)");
        }
        Object enc = run.encoder().config();
        boolean waveform = frontendType.equals("waveform-cnn");
        if (!waveform && run.frontend().instance() instanceof LearnedFrontend) {
            throw new UserError(why + "its frontend '" + frontendType + "' learns in the graph and is not wav2vec "
                    + "2.0's convolutional feature encoder (pretext's waveform-cnn)");
        }
        if (!waveform && !Boolean.TRUE.equals(getOr(enc, "projectionNorm"))) {
            throw new UserError(why + "its frontend is '" + frontendType + "' and torchaudio's encoder (which takes "
                    + "features of any width) layer-normalises every input frame before its projection "
                    + "(feature_projection.layer_norm), which this encoder does not do: the hidden states could not "
                    + "be equal. Train with encoder.projection_norm: true to export a features encoder");
        }
        if (!waveform && format != Format.TORCHAUDIO) {
            throw new UserError(why + "its frontend is '" + frontendType + "'; transformers' Wav2Vec2Model and "
                    + "HubertModel start from the waveform. Export --format torchaudio: its encoder alone takes "
                    + "features (torchaudio.models.wav2vec2.components._get_encoder)");
        }
        if (waveform && !run.recipe().featureNorm().mode().equals("none")) {
            throw new UserError(why + "the run normalises its input (feature_norm: {mode: "
                    + run.recipe().featureNorm().mode() + "}), which for waveform-cnn scales each of the 320 sample "
                    + "positions of a frame by its own statistics before the convolutions; torchaudio's model takes "
                    + "the raw waveform. Train with feature_norm: {mode: none} to export");
        }
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
        EncoderLayout layout = new EncoderLayout(waveform,
                waveform ? (Integer) get(front, "channels") : run.model().bodyInput().dim(),
                waveform ? (String) get(front, "norm") : "group", waveform && (Boolean) get(front, "convBias"),
                (Integer) get(enc, "layers"), dim, (Integer) get(enc, "heads"),
                (Integer) get(enc, "ffn"), get(enc, "norm").equals("pre"), (Integer) get(enc, "posConvKernel"),
                groups);
        return new Found(layout, (Double) get(enc, "dropout"), (Double) get(enc, "layerDrop"));
    }

    /** A component that older plugin versions lack: null there. */
    private static Object getOr(Object config, String component) {
        try {
            return config.getClass().getMethod(component).invoke(config);
        } catch (NoSuchMethodException e) {
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
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
