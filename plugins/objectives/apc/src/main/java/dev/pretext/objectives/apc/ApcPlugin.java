package dev.pretext.objectives.apc;

import dev.pretext.api.PluginFactory;
import dev.pretext.api.model.Objective;
import org.osgi.service.component.annotations.Component;

/** Registers the {@code apc} objective. */
@Component(service = PluginFactory.class,
        property = {PluginFactory.KIND + "=objective", PluginFactory.TYPE + "=apc"})
public final class ApcPlugin implements PluginFactory<ApcConfig, Objective> {
    @Override
    public Class<ApcConfig> configType() {
        return ApcConfig.class;
    }

    @Override
    public Class<ApcObjective> implementationType() {
        return ApcObjective.class;
    }

    @Override
    public String description() {
        return "autoregressive predictive coding: a causal encoder predicts the frame `shift` steps ahead (L1)";
    }
}
