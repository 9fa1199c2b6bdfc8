package dev.pretext.probes.phonemes;

import dev.pretext.api.PluginFactory;
import dev.pretext.api.probe.Probe;
import org.osgi.service.component.annotations.Component;

@Component(service = PluginFactory.class,
        property = {PluginFactory.KIND + "=probe", PluginFactory.TYPE + "=phonemes"})
public final class PhonemesPlugin implements PluginFactory<PhonemesConfig, Probe> {
    @Override
    public Class<PhonemesConfig> configType() {
        return PhonemesConfig.class;
    }

    @Override
    public Class<PhonemesProbe> implementationType() {
        return PhonemesProbe.class;
    }

    @Override
    public String description() {
        return "phone recognition with CTC on a weighted sum of layers, greedy decoding; phone error rate "
                + "(lower is better)";
    }
}
