package dev.pretext.augmentations.gain;

import dev.pretext.api.PluginFactory;
import dev.pretext.api.data.Augmentation;
import org.osgi.service.component.annotations.Component;

/** Registers the {@code gain} augmentation with the platform. */
@Component(service = PluginFactory.class,
        property = {PluginFactory.KIND + "=augmentation", PluginFactory.TYPE + "=gain"})
public final class GainPlugin implements PluginFactory<GainConfig, Augmentation> {
    @Override
    public Class<GainConfig> configType() {
        return GainConfig.class;
    }

    @Override
    public Class<GainAugmentation> implementationType() {
        return GainAugmentation.class;
    }

    @Override
    public String description() {
        return "random gain in decibels, clipped to [-1, 1]";
    }
}
