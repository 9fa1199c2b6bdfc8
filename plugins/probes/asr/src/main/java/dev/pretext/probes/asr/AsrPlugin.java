package dev.pretext.probes.asr;

import dev.pretext.api.PluginFactory;
import dev.pretext.api.probe.Probe;
import org.osgi.service.component.annotations.Component;

@Component(service = PluginFactory.class,
        property = {PluginFactory.KIND + "=probe", PluginFactory.TYPE + "=asr"})
public final class AsrPlugin implements PluginFactory<AsrConfig, Probe> {
    @Override
    public Class<AsrConfig> configType() {
        return AsrConfig.class;
    }

    @Override
    public Class<AsrProbe> implementationType() {
        return AsrProbe.class;
    }

    @Override
    public String description() {
        return "character recognition with CTC, a small convolutional head on a weighted sum of layers, greedy "
                + "decoding; word error rate (lower is better)";
    }
}
