package dev.pretext.datasets.tts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/** The engines the corpus can speak with, whether each can run on this machine, and how to make one. */
final class Engines {
    /**
     * @param missing null when the engine can run here, else what is missing and how to install it
     * @param open    makes the engine for a number of synthesis threads
     */
    private record Kind(Supplier<Optional<String>> missing, IntFunction<Engine> open) {
    }

    // Preference order too: a talker offered by several engines (kal, slt) speaks under the first enabled one.
    private static final Map<String, Kind> KINDS = new LinkedHashMap<>();
    /** Engines found installed: checking runs programs (festival takes a second), and a found one stays found. */
    private static final Set<String> AVAILABLE = ConcurrentHashMap.newKeySet();

    static {
        KINDS.put(FreeTtsEngine.NAME, new Kind(Optional::empty, FreeTtsEngine::new));
        KINDS.put(EspeakEngine.NAME, new Kind(EspeakEngine::missing, EspeakEngine::new));
        KINDS.put(FliteEngine.NAME, new Kind(FliteEngine::missing, FliteEngine::new));
        KINDS.put(FestivalEngine.NAME, new Kind(FestivalEngine::missing, FestivalEngine::new));
    }

    private Engines() {
    }

    /** Every engine name, in preference order. */
    static List<String> names() {
        return List.copyOf(KINDS.keySet());
    }

    /** Fails with one message naming every unknown or uninstalled engine and what to do about each. */
    static void check(List<String> engines) {
        StringBuilder problems = new StringBuilder();
        for (String name : engines) {
            Kind kind = KINDS.get(name);
            if (kind == null) {
                problems.append("; '").append(name).append("' is not an engine (choose from ")
                        .append(String.join(", ", names())).append(')');
            } else if (!AVAILABLE.contains(name)) {
                Optional<String> missing = kind.missing().get();
                missing.ifPresent(m -> problems.append("; ").append(name).append(": ").append(m));
                if (missing.isEmpty()) {
                    AVAILABLE.add(name);
                }
            }
        }
        if (problems.length() > 0) {
            throw new IllegalArgumentException("engines " + engines + " cannot be used" + problems);
        }
    }

    /** The engine of this name, checked; the caller closes it. */
    static Engine open(String name, int threads) {
        check(List.of(name));
        return KINDS.get(name).open().apply(threads);
    }
}
