package dev.pretext.datasets.tts;

import java.util.Locale;

/**
 * One synthetic speaker: a voice of an engine with its own mean pitch, pitch range and speaking rate.
 *
 * @param voice           the engine's voice
 * @param pitchHz         F0 baseline in Hz
 * @param pitchRangeHz    F0 excursion in Hz
 * @param durationStretch phone durations are multiplied by this (above 1 is slower speech)
 */
public record SpeakerVoice(EngineVoice voice, int pitchHz, int pitchRangeHz, double durationStretch) {
    /**
     * E.g. {@code kevin16-p120-g14-r1.05} (FreeTTS, the original labels) or {@code flite-slt-p180-g20-r0.95}:
     * engine, voice, pitch, pitch range ("gamut") and duration stretch.
     */
    public String label() {
        String who = voice.engine().equals(FreeTtsEngine.NAME) ? voice.name() : voice.engine() + "-" + voice.name();
        return String.format(Locale.ROOT, "%s-p%d-g%d-r%.2f", who, pitchHz, pitchRangeHz, durationStretch);
    }

    Prosody prosody() {
        return new Prosody(pitchHz, pitchRangeHz, durationStretch);
    }
}
