package dev.pretext.datasets.tts;

import dev.pretext.api.PluginFactory;
import dev.pretext.api.data.Dataset;
import org.osgi.service.component.annotations.Component;

@Component(service = PluginFactory.class,
        property = {PluginFactory.KIND + "=dataset", PluginFactory.TYPE + "=tts"})
public final class TtsPlugin implements PluginFactory<TtsConfig, Dataset> {
    @Override
    public Class<TtsConfig> configType() {
        return TtsConfig.class;
    }

    @Override
    public Class<TtsDataset> implementationType() {
        return TtsDataset.class;
    }

    @Override
    public String description() {
        return "synthetic speech (FreeTTS in the JVM; espeak-ng, flite, festival) with distinct speakers, keywords, sentences and phone alignments";
    }
}
