package dev.pretext.datasets.tts;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * FreeTTS's kevin16 (the CMU kal diphones) inside the JVM: nothing to install. Voices keep per-utterance state,
 * so each concurrent call borrows its own {@link KevinSynthesizer}; they are made on first need.
 */
final class FreeTtsEngine implements Engine {
    static final String NAME = "freetts";
    /** The mean pitches speakers get: kevin16 stays natural from a low male voice to a high one. */
    static final EngineVoice KEVIN = new EngineVoice(NAME, "kevin16", "kal", 80, 200);
    private static final Object VOICE_LOADING = new Object();

    private final LinkedBlockingQueue<KevinSynthesizer> idle = new LinkedBlockingQueue<>();
    private final List<KevinSynthesizer> all = new ArrayList<>();
    private final int maxParallel;

    FreeTtsEngine(int maxParallel) {
        this.maxParallel = maxParallel;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<EngineVoice> voices() {
        return List.of(KEVIN);
    }

    @Override
    public int maxParallel() {
        return maxParallel;
    }

    @Override
    public Synthesis speak(EngineVoice voice, Prosody prosody, String text) {
        KevinSynthesizer synthesizer = idle.poll();
        if (synthesizer == null) {
            synchronized (VOICE_LOADING) { // FreeTTS's load timers are shared statics
                synthesizer = new KevinSynthesizer();
            }
            synchronized (all) {
                all.add(synthesizer);
            }
        }
        try {
            return synthesizer.speak(text, prosody.pitchHz(), prosody.pitchRangeHz(), prosody.durationStretch());
        } finally {
            idle.add(synthesizer);
        }
    }

    @Override
    public void close() {
        synchronized (all) {
            all.forEach(KevinSynthesizer::close);
            all.clear();
        }
    }
}
