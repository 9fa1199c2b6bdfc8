package dev.pretext.objectives.hubert;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Hand-written targets folders, in the format the targets stage writes (see Targets). */
final class TargetFolders {
    private TargetFolders() {
    }

    static Path write(Path dir, double labelRate, int clusters, Map<String, int[]> labels) throws IOException {
        Files.createDirectories(dir);
        List<String> km = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        long frames = 0;
        for (Map.Entry<String, int[]> e : labels.entrySet()) {
            StringBuilder line = new StringBuilder();
            for (int v : e.getValue()) {
                line.append(line.length() == 0 ? "" : " ").append(v);
            }
            km.add(line.toString());
            ids.add(e.getKey() + "\t" + e.getValue().length);
            frames += e.getValue().length;
        }
        Files.write(dir.resolve("labels.km"), km);
        Files.write(dir.resolve("utterances.tsv"), ids);
        Files.writeString(dir.resolve("targets.json"), "{\n"
                + "  \"format\": \"pretext-targets/1\",\n"
                + "  \"feature_kind\": \"mfcc\",\n"
                + "  \"feature_dim\": 39,\n"
                + "  \"label_rate\": " + labelRate + ",\n"
                + "  \"clusters\": " + clusters + ",\n"
                + "  \"seed\": 1,\n"
                + "  \"passes\": 0,\n"
                + "  \"sample_frames\": 100,\n"
                + "  \"utterances\": " + labels.size() + ",\n"
                + "  \"frames\": " + frames + ",\n"
                + "  \"mean_squared_distance\": 0.0,\n"
                + "  \"quality\": null\n"
                + "}\n");
        return dir;
    }

    /** Labels 0, 1, 2, ... (mod clusters): a label names its own position. */
    static int[] counting(int frames, int clusters) {
        int[] out = new int[frames];
        for (int i = 0; i < frames; i++) {
            out[i] = i % clusters;
        }
        return out;
    }
}
