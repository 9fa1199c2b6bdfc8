package dev.pretext.objectives.data2vec;

import dev.pretext.api.PluginFactory;
import dev.pretext.api.model.Objective;
import org.osgi.service.component.annotations.Component;

/** Registers the {@code data2vec} objective. */
@Component(service = PluginFactory.class,
        property = {PluginFactory.KIND + "=objective", PluginFactory.TYPE + "=data2vec"})
public final class Data2vecPlugin implements PluginFactory<Data2vecConfig, Objective> {
    @Override
    public Class<Data2vecConfig> configType() {
        return Data2vecConfig.class;
    }

    @Override
    public Class<Data2vecObjective> implementationType() {
        return Data2vecObjective.class;
    }

    @Override
    public String description() {
        return "data2vec: regress an EMA teacher's averaged, instance-normalised top layers at masked frames";
    }
}
