package dev.pretext.core.run;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pretext.api.PluginKind;
import dev.pretext.core.recipe.ComponentRef;
import org.junit.jupiter.api.Test;
import org.osgi.framework.VersionRange;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProbeRunTest {
    @Test
    void aTaskTheRecipeConfiguresKeepsItsSettingsAndOthersRunAtTheirDefaults() {
        ObjectNode settings = JsonNodeFactory.instance.objectNode().put("lr", 0.01);
        ComponentRef phonemes = new ComponentRef(PluginKind.PROBE, "probes.tasks[0]", "phonemes",
                new VersionRange("[2.0.0,2.0.0]"), settings);
        ComponentRef speakers = new ComponentRef(PluginKind.PROBE, "probes.tasks[1]", "speakers", null,
                JsonNodeFactory.instance.objectNode());

        List<ComponentRef> refs = ProbeRun.taskRefs(List.of(phonemes, speakers), List.of("keywords", "phonemes"));

        assertEquals(List.of("keywords", "phonemes"), refs.stream().map(ComponentRef::type).toList());
        assertTrue(refs.get(0).config().isEmpty(), "keywords is not in the recipe: its defaults");
        assertNull(refs.get(0).range());
        // pretext probe --tasks phonemes ran at the default lr (0.005) before, and its results replaced the
        // recipe's (lr 0.01) in probes.json under the same name.
        assertSame(phonemes, refs.get(1));
    }
}
