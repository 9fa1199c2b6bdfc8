package dev.pretext.probes.phoneframes;

import dev.pretext.api.PluginFactory;
import dev.pretext.api.probe.Probe;
import org.osgi.service.component.annotations.Component;

@Component(service = PluginFactory.class,
        property = {PluginFactory.KIND + "=probe", PluginFactory.TYPE + "=phone-frames"})
public final class PhoneFramesPlugin implements PluginFactory<PhoneFramesConfig, Probe> {
    @Override
    public Class<PhoneFramesConfig> configType() {
        return PhoneFramesConfig.class;
    }

    @Override
    public Class<PhoneFramesProbe> implementationType() {
        return PhoneFramesProbe.class;
    }

    @Override
    public String description() {
        return "frame-wise phone classification from the alignment's times on a weighted sum of layers; accuracy "
                + "over speech frames (higher is better)";
    }
}
