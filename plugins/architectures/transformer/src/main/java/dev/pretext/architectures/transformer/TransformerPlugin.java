package dev.pretext.architectures.transformer;

import dev.pretext.api.PluginFactory;
import dev.pretext.api.model.Encoder;
import org.osgi.service.component.annotations.Component;

/** Registers the {@code transformer} encoder. */
@Component(service = PluginFactory.class,
        property = {PluginFactory.KIND + "=encoder", PluginFactory.TYPE + "=transformer"})
public final class TransformerPlugin implements PluginFactory<TransformerConfig, Encoder> {
    @Override
    public Class<TransformerConfig> configType() {
        return TransformerConfig.class;
    }

    @Override
    public Class<TransformerEncoder> implementationType() {
        return TransformerEncoder.class;
    }

    @Override
    public String description() {
        return "pre-LN Transformer encoder (presets slim, small, base, tiny) with sinusoidal positions";
    }
}
