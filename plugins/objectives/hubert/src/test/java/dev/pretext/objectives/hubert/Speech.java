package dev.pretext.objectives.hubert;

import dev.pretext.api.RunContext;
import dev.pretext.datasets.tts.TtsConfig;
import dev.pretext.datasets.tts.TtsDataset;
import dev.pretext.testkit.TestRuns;

import java.nio.file.Path;

/** A small synthetic speech corpus with phone alignments, synthesised once per build under target/. */
public final class Speech {
    private static TtsDataset corpus;

    private Speech() {
    }

    /** Three minutes, four speakers, fixed seed. */
    public static synchronized TtsDataset corpus() {
        if (corpus == null) {
            Path root = Path.of("target", "test-speech").toAbsolutePath();
            RunContext context = TestRuns.context(root, 1);
            corpus = new TtsDataset(new TtsConfig(root.resolve("tts").toString(), 3.0, 4, 11L, 0.2), context);
        }
        return corpus;
    }
}
