package dev.pretext.objectives.mam;

import dev.pretext.api.PluginFactory;
import dev.pretext.api.model.Objective;
import org.osgi.service.component.annotations.Component;

/** Registers the {@code mam} objective. */
@Component(service = PluginFactory.class,
        property = {PluginFactory.KIND + "=objective", PluginFactory.TYPE + "=mam"})
public final class MamPlugin implements PluginFactory<MamConfig, Objective> {
    @Override
    public Class<MamConfig> configType() {
        return MamConfig.class;
    }

    @Override
    public Class<MamObjective> implementationType() {
        return MamObjective.class;
    }

    @Override
    public String description() {
        return "TERA-style masked acoustic modelling: reconstruct time- and frequency-masked features (L1)";
    }
}
