package dev.pretext.augmentations.noise;

import dev.pretext.api.PluginFactory;
import dev.pretext.api.data.Augmentation;
import org.osgi.service.component.annotations.Component;

/** Registers the {@code noise} augmentation with the platform. */
@Component(service = PluginFactory.class,
        property = {PluginFactory.KIND + "=augmentation", PluginFactory.TYPE + "=noise"})
public final class NoisePlugin implements PluginFactory<NoiseConfig, Augmentation> {
    @Override
    public Class<NoiseConfig> configType() {
        return NoiseConfig.class;
    }

    @Override
    public Class<NoiseAugmentation> implementationType() {
        return NoiseAugmentation.class;
    }

    @Override
    public String description() {
        return "additive noise at a random SNR: recordings from a folder, or white, pink or brown noise";
    }
}
