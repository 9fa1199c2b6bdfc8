package dev.pretext.augmentations.speed;

import dev.pretext.api.PluginFactory;
import dev.pretext.api.data.Augmentation;
import org.osgi.service.component.annotations.Component;

/** Registers the {@code speed} augmentation with the platform. */
@Component(service = PluginFactory.class,
        property = {PluginFactory.KIND + "=augmentation", PluginFactory.TYPE + "=speed"})
public final class SpeedPlugin implements PluginFactory<SpeedConfig, Augmentation> {
    @Override
    public Class<SpeedConfig> configType() {
        return SpeedConfig.class;
    }

    @Override
    public Class<SpeedAugmentation> implementationType() {
        return SpeedAugmentation.class;
    }

    @Override
    public String description() {
        return "speed perturbation by resampling (tempo and pitch together, like sox speed)";
    }
}
