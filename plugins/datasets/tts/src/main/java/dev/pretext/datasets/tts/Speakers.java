package dev.pretext.datasets.tts;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/** Derives the corpus's speakers from the seed and the engines' voices. */
final class Speakers {
    /** FreeTTS alone: mean pitches are whole Hz spread over [80, 200], so up to 100 stay well apart. */
    static final int MAX = 100;

    private Speakers() {
    }

    /** {@code count} kevin16 speakers: the corpus FreeTTS alone speaks. */
    static List<SpeakerVoice> forSeed(long seed, int count) {
        return forVoices(seed, count, List.of(List.of(FreeTtsEngine.KEVIN)));
    }

    /**
     * {@code count} speakers shared out evenly among the engines (the first engines get one more when it does
     * not divide), and within an engine round-robin over its voices. The speakers of one voice have mean
     * pitches evenly spread over the voice's natural range, so every label is a distinct, audible identity;
     * pitch ranges (6-20% of the pitch) and speaking rates (0.85-1.2) are seeded. A voice whose pitch cannot be
     * moved (flite's rms, festival's HTS slt) spreads its speakers' rates evenly instead. The list is in seeded order.
     *
     * @param voicesPerEngine each engine's voices, engines in preference order, a talker already claimed by
     *                        an earlier engine left out (see {@link #claim})
     * @throws IllegalArgumentException when the voices cannot make that many distinct speakers
     */
    static List<SpeakerVoice> forVoices(long seed, int count, List<List<EngineVoice>> voicesPerEngine) {
        SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, 0x5bea6e75L));
        int engines = voicesPerEngine.size();
        List<SpeakerVoice> speakers = new ArrayList<>(count);
        for (int e = 0; e < engines; e++) {
            List<EngineVoice> voices = voicesPerEngine.get(e);
            int share = count / engines + (e < count % engines ? 1 : 0);
            for (int v = 0; v < voices.size(); v++) {
                EngineVoice voice = voices.get(v);
                int k = share / voices.size() + (v < share % voices.size() ? 1 : 0);
                // A voice whose engine cannot move its pitch (lowHz = highHz) tells its speakers apart by rate.
                boolean byRate = voice.highHz() - voice.lowHz() < k;
                for (int i = 0; i < k; i++) {
                    int pitch = (int) Math.round(voice.lowHz() + (voice.highHz() - voice.lowHz()) * (i + 0.5) / k);
                    // Pitch range proportional to pitch keeps the intonation natural at both ends.
                    int range = (int) Math.round(pitch * (0.06 + 0.14 * rng.nextDouble()));
                    double stretch = Math.round((0.85 + 0.35 * rng.nextDouble()) * 100) / 100.0;
                    if (byRate && k > 1) {
                        stretch = Math.round((0.85 + 0.35 * (i + 0.5) / k) * 100) / 100.0;
                    }
                    speakers.add(new SpeakerVoice(voice, pitch, range, stretch));
                }
            }
        }
        Set<String> labels = new HashSet<>();
        for (SpeakerVoice s : speakers) {
            String identity = "talker:" + s.voice().person() + ":" + s.pitchHz() + ":" + s.durationStretch();
            if (!labels.add(s.label()) || !labels.add(identity)) {
                throw new IllegalArgumentException(count + " speakers are more than these engines can make distinct"
                        + " (two would share a voice, a pitch and a rate); ask for fewer speakers or add engines");
            }
        }
        for (int i = speakers.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            speakers.set(i, speakers.set(j, speakers.get(i)));
        }
        return List.copyOf(speakers);
    }

    /**
     * Each engine's voices with every talker kept only under the first engine that offers it (FreeTTS's kevin16,
     * flite's kal16 and festival's kal_diphone are all the CMU kal recordings): one person, one engine, so a
     * speaker label never shares its identity with another label.
     *
     * @param engines in preference order
     * @throws IllegalArgumentException when an engine is left with no voice of its own
     */
    static List<List<EngineVoice>> claim(List<Engine> engines) {
        Set<String> claimed = new HashSet<>();
        List<List<EngineVoice>> result = new ArrayList<>();
        for (Engine engine : engines) {
            List<EngineVoice> own = new ArrayList<>();
            List<String> taken = new ArrayList<>();
            for (EngineVoice v : engine.voices()) {
                if (claimed.contains(v.person())) {
                    taken.add(v.name());
                } else {
                    own.add(v);
                }
            }
            if (own.isEmpty()) {
                throw new IllegalArgumentException("engine " + engine.name() + " has no voice of its own: " + taken
                        + " already speak under an earlier engine; leave " + engine.name() + " out");
            }
            own.forEach(v -> claimed.add(v.person()));
            result.add(own);
        }
        return result;
    }
}
