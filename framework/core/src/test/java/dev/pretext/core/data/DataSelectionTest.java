package dev.pretext.core.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pretext.api.data.Utterance;
import dev.pretext.core.recipe.LoadedRecipe;
import dev.pretext.core.recipe.RecipeError;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataSelectionTest {
    /** 40 speakers x 10 utterances of 3 to 12 seconds. */
    private static List<Utterance> corpus() {
        List<Utterance> out = new ArrayList<>();
        for (int s = 0; s < 40; s++) {
            for (int i = 0; i < 10; i++) {
                String id = "s" + s + "-u" + i;
                out.add(new Utterance(id, Path.of(id + ".wav"), 3 + (s * 7 + i * 3) % 10, "spk" + s, null, null));
            }
        }
        return out;
    }

    private static double hours(List<Utterance> us) {
        return us.stream().mapToDouble(Utterance::seconds).sum() / 3600;
    }

    @Test
    void hoursPicksANestedSeededSubsetInCorpusOrder() {
        List<Utterance> all = corpus();
        List<Utterance> half = new DataSelection(0.25, null).apply(all, 7);
        List<Utterance> quarter = new DataSelection(0.12, null).apply(all, 7);
        assertTrue(hours(half) <= 0.25 && hours(half) > 0.24, "hours " + hours(half));
        assertTrue(half.containsAll(quarter), "a smaller subset lies inside a larger one");
        assertEquals(half, new DataSelection(0.25, null).apply(all, 7), "same seed, same subset");
        assertNotEquals(half, new DataSelection(0.25, null).apply(all, 8));
        List<Utterance> sorted = new ArrayList<>(half);
        sorted.sort((a, b) -> Integer.compare(all.indexOf(a), all.indexOf(b)));
        assertEquals(sorted, half, "corpus order is kept");
    }

    @Test
    void splitsBySpeakerAreDisjointCoverTheCorpusAndKeepSpeakersWhole() {
        List<Utterance> all = corpus();
        Set<String> seen = new HashSet<>();
        int total = 0;
        List<Set<String>> speakers = new ArrayList<>();
        for (String part : List.of("train", "valid", "test")) {
            List<Utterance> kept = new DataSelection(null, new DataSelection.Split("speaker", part, null)).apply(all, 3);
            Set<String> spk = new HashSet<>();
            for (Utterance u : kept) {
                assertTrue(seen.add(u.id()), u.id() + " is in two parts");
                spk.add(u.speaker());
            }
            speakers.add(spk);
            total += kept.size();
            for (String s : spk) {
                assertEquals(10, kept.stream().filter(u -> u.speaker().equals(s)).count(), "speaker " + s + " whole");
            }
        }
        assertEquals(all.size(), total);
        assertTrue(speakers.get(0).size() > speakers.get(2).size(), "train holds most speakers: " + speakers);
        List<Utterance> byUtterance = new DataSelection(null, new DataSelection.Split("utterance", "test",
                List.of(0.5, 0.0, 0.5))).apply(all, 3);
        assertTrue(byUtterance.size() > 150 && byUtterance.size() < 250, "about half: " + byUtterance.size());
    }

    @Test
    void badSelectionsSayWhatToDo() {
        List<Utterance> unlabelled = List.of(new Utterance("a", Path.of("a.wav"), 2, null, null, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DataSelection(null, new DataSelection.Split(null, "train", null)).apply(unlabelled, 1));
        assertTrue(e.getMessage().contains("split: {by: utterance"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DataSelection.Split("speaker", "dev", null));
        assertTrue(e.getMessage().contains("train, valid, test"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new DataSelection.Split("speaker", "test", List.of(0.9, 0.2, 0.1)));
        assertTrue(e.getMessage().contains("summing to 1"), e.getMessage());
    }

    @Test
    void theRecipeKeysAreTheCoresOnEveryDatasetAndErrorsPointAtTheirLine() {
        LoadedRecipe loaded = LoadedRecipe.parse(Path.of("r.yaml"), """
                name: r
                budget: {steps: 1}
                data:
                  train: {type: anything, root: x, hours: 2.5, split: {by: speaker, part: train}}
                frontend: f
                encoder: e
                objective: o
                """);
        assertEquals(2.5, loaded.train().selection().hours());
        assertEquals("train", loaded.train().selection().split().part());
        JsonNode config = loaded.train().config();
        assertTrue(config.has("root") && !config.has("hours") && !config.has("split"), config.toString());
        RecipeError error = assertThrows(RecipeError.class, () -> LoadedRecipe.parse(Path.of("r.yaml"), """
                name: r
                budget: {steps: 1}
                data:
                  train: {type: anything,
                          split: {by: speaker, part: holdout}}
                frontend: f
                encoder: e
                objective: o
                """));
        assertTrue(error.getMessage().contains("r.yaml:5"), error.getMessage());
        assertTrue(error.getMessage().contains("train, valid, test"), error.getMessage());
    }
}
