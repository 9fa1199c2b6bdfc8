package dev.pretext.augmentations.specaugment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.pretext.api.PluginKind;
import dev.pretext.core.recipe.ComponentRef;
import dev.pretext.core.recipe.ConfigBinder;
import dev.pretext.core.recipe.LocatedYaml;
import dev.pretext.core.recipe.RecipeError;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The recipe keys as the core binds them: snake_case, unknown keys rejected, no string-to-number coercion. */
class SpecAugmentConfigBindingTest {
    /** The core's own mapper: what a recipe really goes through. */
    private static final ObjectMapper MAPPER = ConfigBinder.MAPPER;

    @Test
    void bindsSnakeCaseKeysAndWritesDefaultsBack() throws Exception {
        assertEquals(new SpecAugmentConfig(0.5, 1, 15, 3, 50, 0.1, null),
                MAPPER.readValue("{\"p\": 0.5, \"freq_masks\": 1, \"freq_width\": 15, \"time_masks\": 3, "
                        + "\"time_width\": 50, \"time_ratio\": 0.1}", SpecAugmentConfig.class));
        assertEquals(MAPPER.readTree("{\"p\":1.0,\"freq_masks\":2,\"freq_width\":27,\"time_masks\":2,"
                        + "\"time_width\":40,\"time_ratio\":0.2,\"value\":0.0}"),
                MAPPER.valueToTree(MAPPER.readValue("{}", SpecAugmentConfig.class)));
    }

    @Test
    void unknownKeysAndWrongTypesAreRejected() {
        assertThrows(UnrecognizedPropertyException.class,
                () -> MAPPER.readValue("{\"freq_mask\": 2}", SpecAugmentConfig.class));
        assertThrows(MismatchedInputException.class,
                () -> MAPPER.readValue("{\"time_width\": \"40\"}", SpecAugmentConfig.class));
        assertThrows(ValueInstantiationException.class,
                () -> MAPPER.readValue("{\"freq_masks\": -2}", SpecAugmentConfig.class));
    }

    @Test
    void aBadValueInARecipeIsALocatedError() {
        LocatedYaml yaml = LocatedYaml.read(Path.of("r.yaml"), """
                augment:
                  - type: specaugment
                    time_masks: -1
                """);
        ComponentRef ref = ComponentRef.parse(yaml, PluginKind.AUGMENTATION, "augment[0]",
                yaml.root().get("augment").get(0));
        RecipeError e = assertThrows(RecipeError.class,
                () -> ConfigBinder.bind(yaml, ref.path(), ref.config(), SpecAugmentConfig.class));
        assertEquals("r.yaml:2: augment[0]: time_masks must be in [0, 100], got -1", e.getMessage());
    }
}
