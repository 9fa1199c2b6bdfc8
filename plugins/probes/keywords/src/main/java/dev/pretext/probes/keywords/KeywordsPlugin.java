package dev.pretext.probes.keywords;

import dev.pretext.api.PluginFactory;
import dev.pretext.api.probe.Probe;
import org.osgi.service.component.annotations.Component;

@Component(service = PluginFactory.class,
        property = {PluginFactory.KIND + "=probe", PluginFactory.TYPE + "=keywords"})
public final class KeywordsPlugin implements PluginFactory<KeywordsConfig, Probe> {
    @Override
    public Class<KeywordsConfig> configType() {
        return KeywordsConfig.class;
    }

    @Override
    public Class<KeywordsProbe> implementationType() {
        return KeywordsProbe.class;
    }

    @Override
    public String description() {
        return "keyword spotting (keywords, _unknown_, _silence_) on mean-pooled, layer-weighted features; accuracy";
    }
}
