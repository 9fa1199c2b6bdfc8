package dev.pretext.datasets.tts;

/**
 * One voice of an engine.
 *
 * @param engine   the engine's name
 * @param name     what the engine calls it, e.g. {@code kal16} or {@code en-gb-scotland+f3}
 * @param person   the recorded talker behind it ({@code kal}, {@code slt}, ...), or the engine-and-name for
 *                 voices made by rule: one person speaks under one engine only, so one label is one identity
 * @param lowHz    lowest mean F0 speakers of this voice are given
 * @param highHz   highest mean F0 speakers of this voice are given
 */
record EngineVoice(String engine, String name, String person, double lowHz, double highHz) {
    EngineVoice {
        if (!(lowHz > 0 && highHz >= lowHz)) {
            throw new IllegalArgumentException("voice " + engine + "/" + name + " needs 0 < lowHz <= highHz");
        }
    }
}
