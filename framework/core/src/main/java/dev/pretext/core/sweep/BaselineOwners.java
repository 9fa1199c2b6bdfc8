package dev.pretext.core.sweep;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Which run of a sweep probes each shared baseline (one per {@link BaselineKey}): the one chosen before (at first,
 * the first run that wants it) while it has not failed; else the first run that wants it and can still add it to
 * its probes (it has not failed and has not started: a started run's recipe is fixed). A failed owner therefore hands its baselines on to the next run
 * instead of leaving every run that shares them without. When no run can take a baseline over, the first run
 * that wants it stays its owner, and the baseline is missing from the results until that run is retried.
 */
final class BaselineOwners {
    private BaselineOwners() {
    }

    /**
     * Which run probes each shared baseline.
     *
     * @param names    the runs, in the order the sweep runs them
     * @param wanted   for each run, its baselines' keys
     * @param recorded key to owner, as the sweep folder recorded it before (empty for a new sweep)
     * @param failed   whether a run failed (and is not being retried)
     * @param started  whether a run has started (finished, or has a checkpoint)
     * @return key to owner, for every key some run wants, in order of first appearance
     */
    static Map<String, String> assign(List<String> names, List<? extends Collection<String>> wanted,
                                      Map<String, String> recorded, Predicate<String> failed,
                                      Predicate<String> started) {
        Map<String, List<String>> candidates = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            for (String key : wanted.get(i)) {
                candidates.computeIfAbsent(key, k -> new ArrayList<>()).add(names.get(i));
            }
        }
        Map<String, String> owners = new LinkedHashMap<>();
        candidates.forEach((key, runs) -> {
            // The owner chosen before (or, for a new sweep, the first run that wants it) has it in its recipe.
            String before = recorded.get(key);
            String preferred = before != null && runs.contains(before) ? before : runs.get(0);
            String owner = failed.test(preferred) ? runs.stream().filter(r -> !failed.test(r) && !started.test(r))
                    .findFirst().orElse(preferred) : preferred;
            owners.put(key, owner);
        });
        return owners;
    }
}
