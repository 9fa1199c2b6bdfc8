package dev.pretext.architectures.fbank;

import dev.pretext.api.PluginFactory;
import dev.pretext.api.model.Frontend;
import org.osgi.service.component.annotations.Component;

/** Registers the {@code fbank} frontend with the platform. */
@Component(service = PluginFactory.class,
        property = {PluginFactory.KIND + "=frontend", PluginFactory.TYPE + "=fbank"})
public final class FbankPlugin implements PluginFactory<FbankConfig, Frontend> {
    @Override
    public Class<FbankConfig> configType() {
        return FbankConfig.class;
    }

    @Override
    public Class<FbankFrontend> implementationType() {
        return FbankFrontend.class;
    }

    @Override
    public String description() {
        return "Kaldi-compatible log-mel filterbank (povey window, 512-point FFT), optional per-utterance CMVN";
    }
}
