package dev.pretext.objectives.hubert;

import dev.pretext.api.PluginFactory;
import dev.pretext.api.model.Objective;
import org.osgi.service.component.annotations.Component;

/** Registers the {@code hubert} objective. */
@Component(service = PluginFactory.class,
        property = {PluginFactory.KIND + "=objective", PluginFactory.TYPE + "=hubert"})
public final class HubertPlugin implements PluginFactory<HubertConfig, Objective> {
    @Override
    public Class<HubertConfig> configType() {
        return HubertConfig.class;
    }

    @Override
    public Class<HubertObjective> implementationType() {
        return HubertObjective.class;
    }

    @Override
    public String description() {
        return "HuBERT-style masked prediction of k-means targets (make them with `pretext targets`)";
    }
}
