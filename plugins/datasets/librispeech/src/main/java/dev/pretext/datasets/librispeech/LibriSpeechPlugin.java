package dev.pretext.datasets.librispeech;

import dev.pretext.api.PluginFactory;
import dev.pretext.api.data.Dataset;
import org.osgi.service.component.annotations.Component;

@Component(service = PluginFactory.class,
        property = {PluginFactory.KIND + "=dataset", PluginFactory.TYPE + "=librispeech"})
public final class LibriSpeechPlugin implements PluginFactory<LibriSpeechConfig, Dataset> {
    @Override
    public Class<LibriSpeechConfig> configType() {
        return LibriSpeechConfig.class;
    }

    @Override
    public Class<LibriSpeechDataset> implementationType() {
        return LibriSpeechDataset.class;
    }

    @Override
    public String description() {
        return "LibriSpeech layout: <subset>/<speaker>/<chapter>/*.flac with transcripts; speakers by id";
    }
}
