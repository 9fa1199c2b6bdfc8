package dev.pretext.objectives.hubert;

import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.model.Encoder;
import dev.pretext.api.model.Objective;
import dev.pretext.architectures.transformer.TransformerConfig;
import dev.pretext.architectures.transformer.TransformerEncoder;
import dev.pretext.objectives.hubert.targets.Centroids;
import dev.pretext.objectives.hubert.targets.KMeans;
import dev.pretext.testkit.ObjectiveContract;
import dev.pretext.testkit.SpectralBatch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shared objective contract, with targets made the way the targets stage makes them: k-means (k = 8) on the
 * contract batch's own features, so the labels are a learnable function of the audio.
 */
class HubertContractTest extends ObjectiveContract {
    private static final int CLUSTERS = 8;

    @Override
    protected Objective newObjective(FeatureSpec spec) {
        return new HubertObjective(new HubertConfig(targets(spec).toString(), CLUSTERS, null, null, null, 64, null),
                spec);
    }

    @Override
    protected Encoder newEncoder(FeatureSpec spec) {
        return new TransformerEncoder(TransformerConfig.shape(2, 32, 4, 64), spec);
    }

    private Path targets(FeatureSpec spec) {
        SpectralBatch batch = SpectralBatch.of(spec.dim());
        int bins = batch.bins();
        int real = Arrays.stream(batch.lengths()).sum();
        float[] frames = new float[real * bins];
        int at = 0;
        for (int b = 0; b < batch.size(); b++) {
            System.arraycopy(batch.features(), b * batch.frames() * bins, frames, at, batch.lengths()[b] * bins);
            at += batch.lengths()[b] * bins;
        }
        Centroids c = KMeans.lloyd(frames, bins, KMeans.plusPlus(frames, bins, CLUSTERS, 1), 10, frames);
        Map<String, int[]> labels = new LinkedHashMap<>();
        at = 0;
        for (int b = 0; b < batch.size(); b++) {
            int[] row = new int[batch.lengths()[b]];
            for (int t = 0; t < row.length; t++) {
                row[t] = c.nearest(frames, (at + t) * bins);
            }
            at += row.length;
            labels.put("u" + b, row);
        }
        try {
            return TargetFolders.write(tempDir.resolve("targets"), SpectralBatch.FRAME_RATE, CLUSTERS, labels);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
