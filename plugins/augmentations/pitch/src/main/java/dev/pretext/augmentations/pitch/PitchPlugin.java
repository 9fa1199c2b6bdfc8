package dev.pretext.augmentations.pitch;

import dev.pretext.api.PluginFactory;
import dev.pretext.api.data.Augmentation;
import org.osgi.service.component.annotations.Component;

/** Registers the {@code pitch} augmentation with the platform. */
@Component(service = PluginFactory.class,
        property = {PluginFactory.KIND + "=augmentation", PluginFactory.TYPE + "=pitch"})
public final class PitchPlugin implements PluginFactory<PitchConfig, Augmentation> {
    @Override
    public Class<PitchConfig> configType() {
        return PitchConfig.class;
    }

    @Override
    public Class<PitchAugmentation> implementationType() {
        return PitchAugmentation.class;
    }

    @Override
    public String description() {
        return "pitch shift in semitones with the duration kept (resampling, then a WSOLA time stretch)";
    }
}
