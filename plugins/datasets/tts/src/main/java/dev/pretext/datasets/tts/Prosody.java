package dev.pretext.datasets.tts;

/**
 * How one utterance is spoken; each engine maps these onto its own controls as closely as it can.
 *
 * @param pitchHz         mean F0 in Hz
 * @param pitchRangeHz    F0 excursion around the mean in Hz
 * @param durationStretch phone durations are multiplied by this (above 1 is slower speech)
 */
record Prosody(double pitchHz, double pitchRangeHz, double durationStretch) {
}
