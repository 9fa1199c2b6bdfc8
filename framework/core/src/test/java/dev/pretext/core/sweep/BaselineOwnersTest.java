package dev.pretext.core.sweep;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BaselineOwnersTest {
    private static final List<String> RUNS = List.of("a", "b", "c");
    /** a and b share the features baseline; every run has its own random baseline but b and c share one. */
    private static final List<List<String>> WANTED = List.of(List.of("features", "random-a"),
            List.of("features", "random-bc"), List.of("random-bc"));

    private static Map<String, String> assign(Map<String, String> recorded, Set<String> failed, Set<String> started) {
        return BaselineOwners.assign(RUNS, WANTED, recorded, failed::contains, started::contains);
    }

    @Test
    void aNewSweepGivesEachBaselineToTheFirstRunThatWantsIt() {
        assertEquals(Map.of("features", "a", "random-a", "a", "random-bc", "b"), assign(Map.of(), Set.of(), Set.of()));
    }

    @Test
    void aFailedOwnerHandsItsBaselinesToTheNextRunThatHasNotStarted() {
        assertEquals("b", assign(Map.of(), Set.of("a"), Set.of("a")).get("features"));
        assertEquals("c", assign(Map.of("random-bc", "b"), Set.of("b"), Set.of("a", "b")).get("random-bc"));
    }

    @Test
    void aRunThatStartedWithoutTheBaselineCannotTakeItOver() {
        // b finished without the features baseline (a owned it then); a failed later: nobody can probe it now.
        assertEquals("a", assign(Map.of("features", "a"), Set.of("a"), Set.of("a", "b")).get("features"));
    }

    @Test
    void anOwnerChosenBeforeKeepsItsBaselinesWhenTheFirstRunIsRetried() {
        // a failed and handed the features baseline to b, which finished; a retried does not take it back.
        assertEquals("b", assign(Map.of("features", "b"), Set.of(), Set.of("a", "b")).get("features"));
    }

    @Test
    void whenEveryRunThatWantsABaselineFailedTheFirstKeepsIt() {
        assertEquals("b", assign(Map.of(), Set.of("b", "c"), Set.of("b", "c")).get("random-bc"));
    }
}
