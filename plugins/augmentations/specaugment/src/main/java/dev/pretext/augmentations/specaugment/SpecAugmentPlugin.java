package dev.pretext.augmentations.specaugment;

import dev.pretext.api.PluginFactory;
import dev.pretext.api.data.FeatureAugmentation;
import org.osgi.service.component.annotations.Component;

/** Registers the {@code specaugment} feature augmentation with the platform. */
@Component(service = PluginFactory.class,
        property = {PluginFactory.KIND + "=augmentation", PluginFactory.TYPE + "=specaugment"})
public final class SpecAugmentPlugin implements PluginFactory<SpecAugmentConfig, FeatureAugmentation> {
    @Override
    public Class<SpecAugmentConfig> configType() {
        return SpecAugmentConfig.class;
    }

    @Override
    public Class<SpecAugmentation> implementationType() {
        return SpecAugmentation.class;
    }

    @Override
    public String description() {
        return "SpecAugment frequency and time masks on the normalised features (Park et al. 2019)";
    }
}
