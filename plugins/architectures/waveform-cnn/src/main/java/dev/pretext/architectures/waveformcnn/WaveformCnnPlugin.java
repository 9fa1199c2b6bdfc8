package dev.pretext.architectures.waveformcnn;

import dev.pretext.api.PluginFactory;
import dev.pretext.api.model.Frontend;
import org.osgi.service.component.annotations.Component;

/** Registers the {@code waveform-cnn} frontend with the platform. */
@Component(service = PluginFactory.class,
        property = {PluginFactory.KIND + "=frontend", PluginFactory.TYPE + "=waveform-cnn"})
public final class WaveformCnnPlugin implements PluginFactory<WaveformCnnConfig, Frontend> {
    @Override
    public Class<WaveformCnnConfig> configType() {
        return WaveformCnnConfig.class;
    }

    @Override
    public Class<WaveformCnnFrontend> implementationType() {
        return WaveformCnnFrontend.class;
    }

    @Override
    public String description() {
        return "wav2vec 2.0's learned convolutional feature encoder on raw audio, 20 ms frames";
    }
}
