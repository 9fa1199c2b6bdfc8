package dev.pretext.objectives.bestrq;

import dev.pretext.api.PluginFactory;
import dev.pretext.api.model.Objective;
import org.osgi.service.component.annotations.Component;

/** Registers the {@code bestrq} objective. */
@Component(service = PluginFactory.class,
        property = {PluginFactory.KIND + "=objective", PluginFactory.TYPE + "=bestrq"})
public final class BestRqPlugin implements PluginFactory<BestRqConfig, Objective> {
    @Override
    public Class<BestRqConfig> configType() {
        return BestRqConfig.class;
    }

    @Override
    public Class<BestRqObjective> implementationType() {
        return BestRqObjective.class;
    }

    @Override
    public String description() {
        return "BEST-RQ: predict the codes of a frozen random-projection quantiser on masked spans (cross-entropy)";
    }
}
