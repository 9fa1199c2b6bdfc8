package dev.pretext.datasets.manifest;

import dev.pretext.api.PluginFactory;
import dev.pretext.api.data.Dataset;
import org.osgi.service.component.annotations.Component;

@Component(service = PluginFactory.class,
        property = {PluginFactory.KIND + "=dataset", PluginFactory.TYPE + "=manifest"})
public final class ManifestPlugin implements PluginFactory<ManifestConfig, Dataset> {
    @Override
    public Class<ManifestConfig> configType() {
        return ManifestConfig.class;
    }

    @Override
    public Class<ManifestDataset> implementationType() {
        return ManifestDataset.class;
    }

    @Override
    public String description() {
        return "fairseq-style TSV manifest with optional .wrd/.ltr/.phn/.km labels beside it";
    }
}
