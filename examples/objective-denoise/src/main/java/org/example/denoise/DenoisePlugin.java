package org.example.denoise;

import dev.pretext.api.PluginFactory;
import dev.pretext.api.model.Objective;
import org.osgi.service.component.annotations.Component;

/** Registers the {@code denoise} objective with pretext: recipes say {@code objective: {type: denoise}}. */
@Component(service = PluginFactory.class,
        property = {PluginFactory.KIND + "=objective", PluginFactory.TYPE + "=denoise"})
public final class DenoisePlugin implements PluginFactory<DenoiseConfig, Objective> {
    @Override
    public Class<DenoiseConfig> configType() {
        return DenoiseConfig.class;
    }

    @Override
    public Class<DenoiseObjective> implementationType() {
        return DenoiseObjective.class;
    }

    @Override
    public String description() {
        return "example: reconstruct clean features from noisy ones (a third-party bundle)";
    }
}
