package dev.pretext.augmentations.reverb;

import dev.pretext.api.PluginFactory;
import dev.pretext.api.data.Augmentation;
import org.osgi.service.component.annotations.Component;

/** Registers the {@code reverb} augmentation with the platform. */
@Component(service = PluginFactory.class,
        property = {PluginFactory.KIND + "=augmentation", PluginFactory.TYPE + "=reverb"})
public final class ReverbPlugin implements PluginFactory<ReverbConfig, Augmentation> {
    @Override
    public Class<ReverbConfig> configType() {
        return ReverbConfig.class;
    }

    @Override
    public Class<ReverbAugmentation> implementationType() {
        return ReverbAugmentation.class;
    }

    @Override
    public String description() {
        return "room reverberation: FFT convolution with a random synthetic impulse response (RT60, DRR)";
    }
}
