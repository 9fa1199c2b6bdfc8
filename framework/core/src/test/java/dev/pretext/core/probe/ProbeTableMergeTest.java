package dev.pretext.core.probe;

import dev.pretext.api.probe.ProbeResult;
import dev.pretext.core.Json;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ProbeTableMergeTest {
    private static ProbeResult per(double v) {
        return new ProbeResult("per", v, false, new double[]{0.25, 0.75}, Map.of("classes", 40.0));
    }

    private static ProbeResult accuracy(double v) {
        return new ProbeResult("accuracy", v, true, new double[]{0.5, 0.5}, Map.of());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> roundTrip(Map<String, Object> json) throws Exception {
        return Json.MAPPER.readValue(Json.pretty(json), LinkedHashMap.class);
    }

    @Test
    void aTableReadBackFromItsJsonWritesTheSameJson() throws Exception {
        ProbeTable t = new ProbeTable();
        for (long seed : List.of(1L, 2L, 3L)) {
            t.put("features", "phonemes", seed, per(0.7 + seed / 100.0), 2);
            t.put("pretrained", "phonemes", seed, per(0.5 + seed / 50.0), 3);
        }
        Map<String, Object> json = roundTrip(t.json());
        assertEquals(json, roundTrip(ProbeTable.read(json, 7).json()));
    }

    @Test
    void cellsProbedLaterJoinAndTheScoreCoversEveryTask() throws Exception {
        ProbeTable first = new ProbeTable();
        ProbeTable later = new ProbeTable();
        for (long seed : List.of(1L, 2L)) {
            first.put("features", "phonemes", seed, per(0.8), 1);
            first.put("pretrained", "phonemes", seed, per(0.4), 1);   // 50 on the phonemes scale
            later.put("features", "speakers", seed, accuracy(0.5), 1);
            later.put("pretrained", "speakers", seed, accuracy(0.6), 1); // 20 on the speakers scale
        }
        ProbeTable merged = ProbeTable.read(roundTrip(first.json()), 7).with(later);
        assertEquals(35.0, merged.score("pretrained"), 1e-9, "the mean of both tasks' scores, not speakers' alone");
        assertEquals(20.0, later.score("pretrained"), 1e-9);
    }

    @Test
    void aNewCellReplacesTheOldOneOfItsUpstreamAndTask() throws Exception {
        ProbeTable old = new ProbeTable();
        old.put("pretrained", "phonemes", 1, per(0.9), 1);
        old.put("pretrained", "speakers", 1, accuracy(0.3), 1);
        ProbeTable again = new ProbeTable();
        again.put("pretrained", "phonemes", 1, per(0.6), 1);
        ProbeTable merged = ProbeTable.read(roundTrip(old.json()), 7).with(again);
        assertEquals(0.6, merged.get("pretrained", "phonemes").value());
        assertEquals(0.3, merged.get("pretrained", "speakers").value());
    }

    @Test
    void aCellFromBeforeProbeSeedsCountsAsTheRunSeed() {
        Map<String, Object> cell = new LinkedHashMap<>();
        cell.put("metric", "accuracy");
        cell.put("value", 0.8);
        cell.put("higher_is_better", true);
        ProbeTable t = ProbeTable.read(Map.of("pretrained", Map.of("speakers", cell)), 7);
        assertEquals(List.of(7L), t.get("pretrained", "speakers").seeds());
        assertThrows(IllegalArgumentException.class, () -> ProbeTable.read(
                Map.of("pretrained", Map.of("speakers", Map.of("metric", "accuracy"))), 7));
    }
}
