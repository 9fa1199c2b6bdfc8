package dev.pretext.probes.speakers;

import dev.pretext.api.PluginFactory;
import dev.pretext.api.probe.Probe;
import org.osgi.service.component.annotations.Component;

@Component(service = PluginFactory.class,
        property = {PluginFactory.KIND + "=probe", PluginFactory.TYPE + "=speakers"})
public final class SpeakersPlugin implements PluginFactory<SpeakersConfig, Probe> {
    @Override
    public Class<SpeakersConfig> configType() {
        return SpeakersConfig.class;
    }

    @Override
    public Class<SpeakersProbe> implementationType() {
        return SpeakersProbe.class;
    }

    @Override
    public String description() {
        return "utterance-level speaker identification on mean-pooled, layer-weighted features; accuracy";
    }
}
