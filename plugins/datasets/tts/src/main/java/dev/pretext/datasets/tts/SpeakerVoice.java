package dev.pretext.datasets.tts;

import java.util.Locale;

/**
 * One synthetic speaker: kevin16 with its own mean pitch, pitch range and speaking rate.
 *
 * @param pitchHz        F0 baseline in Hz (FreeTTS {@code setPitch})
 * @param pitchRangeHz   F0 excursion in Hz (FreeTTS {@code setPitchRange})
 * @param durationStretch phone durations are multiplied by this (above 1 is slower speech)
 */
public record SpeakerVoice(int pitchHz, int pitchRangeHz, double durationStretch) {
    /** E.g. {@code kevin16-p120-g14-r1.05}: pitch, pitch range ("gamut") and duration stretch. */
    public String label() {
        return String.format(Locale.ROOT, "kevin16-p%d-g%d-r%.2f", pitchHz, pitchRangeHz, durationStretch);
    }
}
