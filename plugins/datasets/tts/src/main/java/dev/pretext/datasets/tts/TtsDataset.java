package dev.pretext.datasets.tts;

import dev.pretext.api.RunContext;
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Dataset;
import dev.pretext.api.data.Utterance;
import jakarta.inject.Inject;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * A corpus synthesised by FreeTTS, espeak-ng, flite or festival on first use and cached on disk; see {@link TtsCorpus} for the layout.
 * Every utterance has a speaker label, its text and a phone alignment in the common phone set. Keyword
 * utterances are the ones whose text is a single word.
 */
public final class TtsDataset implements Dataset {
    private final TtsConfig config;
    private final Path dir;
    private volatile TtsCorpus.Result corpus;

    @Inject
    public TtsDataset(TtsConfig config, RunContext context) {
        this.config = config.withDefaultSeed(context.seed());
        Engines.check(this.config.engines()); // a missing engine is a recipe mistake, found before training starts
        if (config.dir() == null) {
            this.dir = TtsCorpus.defaultDir(this.config, context.cacheDir());
        } else {
            try {
                this.dir = Path.of(config.dir()).toAbsolutePath();
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("dir '" + config.dir() + "' is not a valid folder path: " + e.getReason());
            }
        }
    }

    /** The settings in force, with the seed filled in. */
    public TtsConfig config() {
        return config;
    }

    /** Where the corpus lives (or will, before the first {@link #utterances()}). */
    public Path dir() {
        return dir;
    }

    /** Synthesises the corpus, or finds it on disk, exactly once per instance. */
    public TtsCorpus.Result corpus() throws IOException {
        TtsCorpus.Result c = corpus;
        if (c == null) {
            synchronized (this) {
                c = corpus;
                if (c == null) {
                    c = TtsCorpus.synthesize(config, dir);
                    corpus = c;
                }
            }
        }
        return c;
    }

    @Override
    public List<Utterance> utterances() throws IOException {
        return corpus().utterances();
    }

    @Override
    public Waveform audio(Utterance utterance) throws IOException {
        return new Waveform(Wav16.read(utterance.audio(), Waveform.RATE), Waveform.RATE);
    }

    /** E.g. {@code speakers per engine: espeak 3, festival 3, flite 3, freetts 3}. */
    @Override
    public String summary() throws IOException {
        StringBuilder out = new StringBuilder("speakers per engine:");
        String sep = " ";
        for (var e : SpeakersTable.read(corpus().dir().resolve(TtsCorpus.SPEAKERS)).speakersPerEngine().entrySet()) {
            out.append(sep).append(e.getKey()).append(' ').append(e.getValue());
            sep = ", ";
        }
        return out.toString();
    }
}
