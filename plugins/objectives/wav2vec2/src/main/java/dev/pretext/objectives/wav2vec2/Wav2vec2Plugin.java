package dev.pretext.objectives.wav2vec2;

import dev.pretext.api.PluginFactory;
import dev.pretext.api.model.Objective;
import org.osgi.service.component.annotations.Component;

/** Registers the {@code wav2vec2} objective. */
@Component(service = PluginFactory.class,
        property = {PluginFactory.KIND + "=objective", PluginFactory.TYPE + "=wav2vec2"})
public final class Wav2vec2Plugin implements PluginFactory<Wav2vec2Config, Objective> {
    @Override
    public Class<Wav2vec2Config> configType() {
        return Wav2vec2Config.class;
    }

    @Override
    public Class<Wav2vec2Objective> implementationType() {
        return Wav2vec2Objective.class;
    }

    @Override
    public String description() {
        return "wav2vec 2.0: contrast the context at masked frames with their Gumbel-quantised features "
                + "among distractors, plus codebook diversity";
    }
}
