package dev.pretext.datasets.wavdir;

import dev.pretext.api.PluginFactory;
import dev.pretext.api.data.Dataset;
import org.osgi.service.component.annotations.Component;

@Component(service = PluginFactory.class,
        property = {PluginFactory.KIND + "=dataset", PluginFactory.TYPE + "=wavdir"})
public final class WavdirPlugin implements PluginFactory<WavdirConfig, Dataset> {
    @Override
    public Class<WavdirConfig> configType() {
        return WavdirConfig.class;
    }

    @Override
    public Class<WavdirDataset> implementationType() {
        return WavdirDataset.class;
    }

    @Override
    public String description() {
        return "every .wav and .flac file under a folder (PCM or float WAV, FLAC; downmixed and resampled to 16 kHz)";
    }
}
